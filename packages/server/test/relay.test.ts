// The reference relay over real HTTP with the client SDK: accounts, key packages, MLS delivery from
// database queues (ciphertext only, de-duplicated, acknowledged), blobs, profiles as events, reports
// verified by the safety service, and enforcement (a banned account can neither sign in nor send).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HttpRelayTransport, RelayHttpError } from '@vigil/sdk';
import { DIALECTS, testApp, type TestApp } from './helpers.ts';
import { enforce, messenger, runJobs, type Messenger } from './relay-helpers.ts';

for (const dialect of DIALECTS) {
  describe(`reference relay (${dialect})`, () => {
    let ta: TestApp;
    let base = '';
    let m: Messenger;
    const work = () => runJobs(ta);
    const user = (name: string) => m.user(name, { keyPackages: 2 });

    before(async () => {
      ta = await testApp(dialect);
      m = await messenger(ta);
      ({ base } = m);
    });
    after(async () => ta.close());

    it('delivers E2EE messages and attachments; the relay stores only ciphertext', async () => {
      const alice = await user('alice_r');
      const bob = await user('bob_r');
      const chat = await alice.c.createConversation([bob.t.userId]);
      await bob.c.sync();
      const bytes = new TextEncoder().encode('generated attachment bytes');
      await alice.c.send(chat, 'meet at the usual place, codeword marigold', [
        { bytes, mime: 'application/octet-stream' },
      ]);
      const queued = await m.relay.ctx.db
        .selectFrom('messenger_queue')
        .select(['data', 'stamp'])
        .where('recipient', '=', bob.t.userId)
        .execute();
      assert.equal(queued.length, 1);
      assert.ok(!Buffer.from(queued[0]!.data, 'base64').toString('latin1').includes('marigold'), 'ciphertext only');
      assert.ok(queued[0]!.stamp, 'tagged and source-stamped');
      const [got] = await bob.c.sync();
      assert.equal(got!.body, 'meet at the usual place, codeword marigold');
      assert.deepEqual(await bob.c.openAttachment(got!), bytes);
      assert.equal(
        (
          await m.relay.ctx.db
            .selectFrom('messenger_queue')
            .select('id')
            .where('recipient', '=', bob.t.userId)
            .execute()
        ).length,
        0,
        'acknowledged messages are deleted',
      );
    });

    it('de-duplicates resent envelopes and refuses non-MLS application data', async () => {
      const a = await user('carol_r');
      const send = (id: string, data: string) =>
        fetch(`${base}/relay/v1/messages`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${(a.t as unknown as { token: string }).token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ id, conversation_id: 'c1', kind: 'commit', to: ['u-x'], data }),
        });
      assert.deepEqual(await (await send('envelope-1', 'AAAA')).json(), { queued: 1 });
      assert.deepEqual(await (await send('envelope-1', 'AAAA')).json(), { queued: 0 });
      const bad = await fetch(`${base}/relay/v1/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${(a.t as unknown as { token: string }).token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          id: 'envelope-2',
          conversation_id: 'c1',
          kind: 'application',
          to: ['u-x'],
          data: 'AAAA',
        }),
      });
      assert.equal(bad.status, 400);
      assert.equal((await fetch(`${base}/relay/v1/messages`)).status, 401);
    });

    it('profiles become events; reports are verified; a banned account can neither sign in nor send', async () => {
      const dave = await user('dave_r');
      const erin = await user('erin_r');
      await dave.t.setProfile({ display_name: 'Dave', bio: 'hello' });
      const chat = await dave.c.createConversation([erin.t.userId]);
      await erin.c.sync();
      await dave.c.send(chat, 'first');
      await dave.c.send(chat, 'the reported one');
      const got = await erin.c.sync();
      const r = await erin.t.report({ type: 'account', id: dave.t.userId }, erin.c.buildReport(chat, [got.at(-1)!.id]));
      await work();
      const acc = await ta.ctx.db.kysely
        .selectFrom('accounts')
        .select(['display_name', 'bio'])
        .where('id', '=', dave.t.userId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(acc, { display_name: 'Dave', bio: 'hello' });
      const rep = await ta.ctx.db.kysely
        .selectFrom('user_reports')
        .select(['verification', 'reporter_id'])
        .where('id', '=', r.report_id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(rep, { verification: 'verified', reporter_id: erin.t.userId });
      await enforce(ta, { type: 'account', id: dave.t.userId }, 'ban');
      await assert.rejects(dave.c.send(chat, 'still here?'), (e: RelayHttpError) => e.status === 401);
      await assert.rejects(
        new HttpRelayTransport(base).login('dave_r', 'dave_r password 123'),
        (e: RelayHttpError) => e.status === 403 && /banned/.test(e.message),
      );
    });

    it('groups: public metadata and invite links become events; joining by link; a taken-down group stops relaying', async () => {
      const owner = await user('frank_r');
      const joiner = await user('gina_r');
      const chat = await owner.c.createConversation([]);
      const { group_id } = await owner.t.createGroup(chat, { name: 'Valencia Bakers', description: 'bread' });
      const { link } = await owner.t.invite(group_id);
      const joined = await joiner.t.join(link);
      assert.equal(joined.conversation_id, chat);
      await owner.c.sync(); // the join request: the owner's client adds gina to the MLS group
      await joiner.c.sync(); // the Welcome
      assert.deepEqual(owner.c.members(chat).sort(), [owner.t.userId, joiner.t.userId].sort());
      await owner.c.send(chat, 'welcome gina');
      assert.equal((await joiner.c.sync())[0]!.body, 'welcome gina');
      await work();
      const g = await ta.ctx.db.kysely
        .selectFrom('groups')
        .select(['name', 'invite_link'])
        .where('id', '=', group_id)
        .executeTakeFirstOrThrow();
      assert.equal(g.name, 'Valencia Bakers');
      const joins = await ta.ctx.db.kysely
        .selectFrom('group_members')
        .select('account_id')
        .where('group_id', '=', group_id)
        .execute();
      assert.ok(
        joins.some((j) => j.account_id === joiner.t.userId),
        'the join reached Vigil as an event',
      );
      await enforce(ta, { type: 'group', id: group_id }, 'takedown_group');
      await assert.rejects(owner.c.send(chat, 'still up?'), (e: RelayHttpError) => e.status === 410);
      await assert.rejects(
        new HttpRelayTransport(base).join(link).catch(async (e) => {
          throw e;
        }),
        (e: RelayHttpError) => e.status === 401,
        'no token',
      );
    });

    it('at least once: envelopes stay queued until the client has processed them; a redelivery is ignored', async () => {
      const hal = await user('hal_r');
      const ivy = await user('ivy_r');
      const chat = await hal.c.createConversation([ivy.t.userId]);
      await ivy.c.sync();
      await hal.c.send(chat, 'kept until acknowledged');
      // A client that fetched but crashed before processing: nothing was acknowledged.
      const fetched = await ivy.t.receive(ivy.t.userId);
      assert.equal(fetched.length, 1);
      assert.equal((await ivy.t.receive(ivy.t.userId)).length, 1, 'still queued');
      const [m] = await ivy.c.sync();
      assert.equal(m!.body, 'kept until acknowledged');
      assert.equal((await ivy.t.receive(ivy.t.userId)).length, 0, 'acknowledged after processing');
      // The same envelope delivered again (say an ack was lost): ignored, not an error.
      const again = ivy.c as unknown as { seen: Set<string> };
      assert.ok(again.seen.has(fetched[0]!.id));
    });
  });
}
