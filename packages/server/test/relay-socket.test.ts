// WebSocket delivery from the reference relay: pushes as messages arrive, redelivers what was not
// acknowledged after a reconnect or a relay restart, refuses bad tokens, ends a banned account's
// socket, answers bad frames with an error, and never keeps the server from closing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { VigilClient, HttpRelayTransport, type StoredMessage } from '@vigil/sdk';
import { DIALECTS, testApp, type TestApp } from './helpers.ts';
import { enforce, messenger, type Messenger } from './relay-helpers.ts';
import { loadConfig } from '../src/config.ts';

/** Resolves with the first value `poll` returns that is not undefined, or rejects after `ms`. */
async function eventually<T>(
  poll: () => T | undefined | Promise<T | undefined>,
  what: string,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await poll();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const dialect of DIALECTS) {
  describe(`relay WebSocket delivery (${dialect})`, () => {
    let ta: TestApp;
    let base = '';
    let relayPublic: Uint8Array;
    let m: Messenger;
    const user = (name: string) => m.user(name, { keyPackages: 2 });
    const queued = async (userId: string) =>
      (
        await m.relay.ctx.db
          .selectFrom('messenger_queue')
          .select('envelope_id')
          .where('recipient', '=', userId)
          .execute()
      ).length;
    const rawSocket = (token: string) =>
      new WebSocket(`${base.replace('http', 'ws')}/relay/v1/socket`, ['vigil.relay.v1'], {
        headers: { authorization: `Bearer ${token}` },
      });

    before(async () => {
      const relay = loadConfig({ env: {}, flags: {} }).relay;
      ta = await testApp(dialect, {
        relay: {
          ...relay,
          maxBlobBytes: 1 << 20,
          socketPollMs: 100,
          limits: { ...relay.limits, registrationsPerAddressPerHour: 0 },
        },
      });
      m = await messenger(ta);
      ({ base, relayPublic } = m);
    });
    after(async () => ta.close());

    it('pushes messages as they are sent and deletes them once acknowledged', async () => {
      const alice = await user('alice_ws');
      const bob = await user('bob_ws');
      const got: StoredMessage[] = [];
      const sub = bob.c.listen((m) => void got.push(...m));
      await sub.ready;
      const chat = await alice.c.createConversation([bob.t.userId]);
      for (let i = 0; i < 5; i++) await alice.c.send(chat, `pushed ${i}`);
      await eventually(() => (got.length === 5 ? true : undefined), 'five pushed messages');
      assert.deepEqual(
        got.map((m) => m.body),
        ['pushed 0', 'pushed 1', 'pushed 2', 'pushed 3', 'pushed 4'],
      );
      // The reply goes back the same way: Bob's client handles pushes and sends without interleaving.
      const back: StoredMessage[] = [];
      const subA = alice.c.listen((m) => void back.push(...m));
      await bob.c.send(chat, 'and back');
      await eventually(() => (back.length ? true : undefined), 'the reply');
      assert.equal(back[0]!.body, 'and back');
      await eventually(
        async () => ((await queued(bob.t.userId)) === 0 ? true : undefined),
        'acknowledgements to empty the queue',
      );
      await sub.close();
      await subA.close();
    });

    it('redelivers what was pushed but not acknowledged, on the next connection', async () => {
      const carol = await user('carol_ws');
      const dan = await user('dan_ws');
      const chat = await carol.c.createConversation([dan.t.userId]);
      await dan.c.sync();
      await carol.c.send(chat, 'first try');
      // A device that reads the push and drops before acknowledging.
      const ws = rawSocket(dan.token);
      const frame = await new Promise<{ type: string; messages: { id: string }[] }>((resolve, reject) => {
        ws.once('message', (d) => resolve(JSON.parse(String(d))));
        ws.once('error', reject);
      });
      assert.equal(frame.type, 'messages');
      assert.equal(frame.messages.length, 1);
      ws.terminate();
      assert.equal(await queued(dan.t.userId), 1, 'still queued: never acknowledged');
      const got: StoredMessage[] = [];
      const sub = dan.c.listen((m) => void got.push(...m));
      await eventually(() => (got.length ? true : undefined), 'redelivery');
      assert.equal(got[0]!.body, 'first try');
      await sub.close();
    });

    it('delivers messages queued by another relay process (found by polling the queue)', async () => {
      const erin = await user('erin_ws');
      const got: StoredMessage[] = [];
      const sub = erin.c.listen((m) => void got.push(...m));
      await sub.ready;
      const frank = await user('frank_ws');
      // Written straight to the queue, as a second server process would: no in-process wake-up.
      const chat = await frank.c.createConversation([]);
      void chat;
      const now = ta.clock.now().toISOString();
      await m.relay.ctx.db
        .insertInto('messenger_queue')
        .values({
          recipient: erin.t.userId,
          envelope_id: 'from-elsewhere-1',
          conversation_id: 'c-other',
          kind: 'commit',
          sender: frank.t.userId,
          data: 'AAAA',
          stamp: null,
          expires_at: null,
          created_at: now,
        })
        .execute();
      // Not an MLS message Erin can use: it arrives, is refused by the client, and is acknowledged.
      await eventually(
        () => (erin.c.dropped.some((d) => d.envelopeId === 'from-elsewhere-1') ? true : undefined),
        'the polled envelope',
      );
      await eventually(async () => ((await queued(erin.t.userId)) === 0 ? true : undefined), 'its acknowledgement');
      assert.equal(got.length, 0);
      await sub.close();
    });

    it('refuses a bad token, answers bad frames, and closes the socket of a banned account', async () => {
      const bad = new WebSocket(`${base.replace('http', 'ws')}/relay/v1/socket`, [
        'vigil.relay.v1',
        'vigil.token.vd_not-a-token',
      ]);
      const status = await new Promise<number>((resolve) =>
        bad.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
      );
      assert.equal(status, 401);
      const t = new HttpRelayTransport(base, { WebSocket: WebSocket as never });
      t.useToken('u-nobody', 'vd_not-a-token');
      await assert.rejects(t.subscribe('u-nobody', async () => {}).ready, /could not open/);
      const plain = await fetch(`${base}/relay/v1/socket`, { headers: { authorization: 'Bearer vd_x' } });
      assert.equal(plain.status, 401);

      const gina = await user('gina_ws');
      const plainOk = await fetch(`${base}/relay/v1/socket`, { headers: { authorization: `Bearer ${gina.token}` } });
      assert.equal(plainOk.status, 426, 'a plain GET is told to upgrade');
      const ws = rawSocket(gina.token);
      await new Promise((r) => ws.once('open', r));
      const reply = new Promise<{ type: string; code: string }>((resolve) =>
        ws.once('message', (d) => resolve(JSON.parse(String(d)))),
      );
      ws.send('not json');
      assert.deepEqual(await reply, { type: 'error', code: 'invalid_request', message: 'frames are JSON text' });
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      // Decided in the safety service; the relay hears of it only by webhook, and ends the session at once.
      await enforce(ta, { type: 'account', id: gina.t.userId }, 'ban');
      assert.equal(await closed, 4401);
    });

    it('does not keep the server from closing, and a restarted relay redelivers', async () => {
      const hal = await user('hal_ws');
      const ivy = await user('ivy_ws');
      const chat = await hal.c.createConversation([ivy.t.userId]);
      await ivy.c.sync();
      const sub = ivy.c.listen(() => {});
      await sub.ready;
      await m.restart(); // with Ivy's socket open: closing must not hang; the new relay uses the same database
      await sub.close();
      base = m.base;
      const hal2 = new HttpRelayTransport(base, { WebSocket: WebSocket as never });
      hal2.useToken(hal.t.userId, hal.token);
      const halC = VigilClient.importState(hal.c.exportState(), hal2, { relaySourcePublicKey: relayPublic });
      await halC.send(chat, 'after the restart');
      const ivy2 = new HttpRelayTransport(base, { WebSocket: WebSocket as never });
      ivy2.useToken(ivy.t.userId, ivy.token);
      const ivyC = VigilClient.importState(ivy.c.exportState(), ivy2, { relaySourcePublicKey: relayPublic });
      const got: StoredMessage[] = [];
      const sub2 = ivyC.listen((m) => void got.push(...m));
      await eventually(() => (got.length ? true : undefined), 'delivery after the restart');
      assert.equal(got[0]!.body, 'after the restart');
      await sub2.close();
    });
  });
}
