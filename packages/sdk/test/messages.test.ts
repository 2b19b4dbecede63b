// Messages: committing attachments, receiver-side franking checks (a message that could not be
// reported is dropped), relay stamps bound to their delivery, canonical payloads, disappearing
// messages with an injected clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApplicationMessage, zeroOutUint8Array } from 'ts-mls';
import { b64, frankingCommitment, randomBytes, sourceCommit } from '@vigil/crypto';
import {
  VigilClient,
  encodeAuthenticatedData,
  encodePayload,
  canonicalJson,
  decodePayload,
  type MessagePayload,
} from '../src/index.ts';
import { cipherSuite, encodeMessage } from '../src/mls.ts';
import { world } from './world.ts';

type State = Parameters<typeof createApplicationMessage>[0];
const internals = (c: VigilClient) => c as unknown as { conversations: Map<string, { state: State }> };

/** What a modified client could send: any payload bytes with any authenticated data, validly MLS-encrypted. */
async function craft(sender: VigilClient, conv: string, payload: Uint8Array, ad: Uint8Array): Promise<Uint8Array> {
  const c = internals(sender).conversations.get(conv)!;
  const res = await createApplicationMessage(c.state, payload, await cipherSuite(), ad);
  res.consumed.forEach(zeroOutUint8Array);
  c.state = res.newState;
  return encodeMessage({ privateMessage: res.privateMessage, wireformat: 'mls_private_message', version: 'mls10' });
}

async function pair() {
  const w = world();
  const alice = await w.client('alice'),
    bob = await w.client('bob');
  const chat = await alice.createConversation(['bob']);
  await bob.sync();
  return { w, alice, bob, chat };
}

function payload(body: string, o: Partial<MessagePayload> = {}): MessagePayload {
  return {
    v: 1,
    id: b64(randomBytes(9)),
    body,
    attachments: [],
    kf: b64(randomBytes(32)),
    r: b64(randomBytes(32)),
    hops: 0,
    sent_at: 1,
    ...o,
  };
}
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

describe('messages', () => {
  it('attachments: committing-encrypted blobs that open with the key and hash in the message', async () => {
    const { alice, bob, chat, w } = await pair();
    const bytes = new TextEncoder().encode('generated attachment bytes '.repeat(100));
    const other = new Uint8Array(300).fill(9);
    await alice.send(chat, 'two files', [
      { bytes, mime: 'text/plain' },
      { bytes: other, mime: 'application/octet-stream' },
    ]);
    const [m] = await bob.sync();
    assert.equal(m!.attachments.length, 2);
    assert.deepEqual([m!.attachments[0]!.size, m!.attachments[0]!.mime], [bytes.length, 'text/plain']);
    assert.deepEqual(await bob.openAttachment(m!, 0), bytes);
    assert.deepEqual(await bob.openAttachment(m!, 1), other);
    // The relay's blob store holds ciphertext only.
    const blob = await w.relay.getBlob(m!.attachments[0]!.blob_id);
    assert.ok(!Buffer.from(blob).includes(Buffer.from('generated attachment')));
    // The same file sent again is a new blob under a new key.
    await alice.send(chat, 'again', [{ bytes, mime: 'text/plain' }]);
    const [again] = await bob.sync();
    assert.notEqual(again!.attachments[0]!.blob_id, m!.attachments[0]!.blob_id);
    assert.notEqual(again!.attachments[0]!.key, m!.attachments[0]!.key);
    assert.equal(again!.attachments[0]!.sha256, m!.attachments[0]!.sha256);
    // A message whose attachment key does not match its blob fails to open.
    await assert.rejects(
      bob.openAttachment({ ...m!, attachments: [{ ...m!.attachments[0]!, key: again!.attachments[0]!.key }] }),
      /commitment mismatch/,
    );
  });

  it('drops a message whose franking commitment does not open, so every delivered message stays reportable', async () => {
    const { alice, bob, chat, w } = await pair();
    const p = payload('real text');
    const ad = encodeAuthenticatedData(
      frankingCommitment(unb64(p.kf), { body: 'other text' }),
      sourceCommit({ body: 'real text' }, unb64(p.r)).comm,
    );
    await w.relay.send({
      id: p.id,
      conversationId: chat,
      kind: 'application',
      from: 'alice',
      to: ['bob'],
      data: await craft(alice, chat, encodePayload(p), ad),
    });
    assert.deepEqual(await bob.sync(), []);
    assert.match(bob.dropped.at(-1)!.reason, /franking commitment does not open/);
    // The same with the franking key changed in the payload only.
    const q = payload('real text');
    const ad2 = encodeAuthenticatedData(
      frankingCommitment(randomBytes(32), { body: 'real text' }),
      sourceCommit({ body: 'real text' }, unb64(q.r)).comm,
    );
    await w.relay.send({
      id: q.id,
      conversationId: chat,
      kind: 'application',
      from: 'alice',
      to: ['bob'],
      data: await craft(alice, chat, encodePayload(q), ad2),
    });
    assert.deepEqual(await bob.sync(), []);
    assert.match(bob.dropped.at(-1)!.reason, /franking commitment does not open/);
    // A genuine message after that still arrives: the drops did not break the conversation.
    await alice.send(chat, 'genuine');
    assert.equal((await bob.sync())[0]!.body, 'genuine');
  });

  it('drops messages without a relay stamp, with a stamp for another delivery, or a bad source commitment', async () => {
    const { alice, bob, chat, w } = await pair();
    const p = payload('hello');
    const content = { body: 'hello' };
    const good = encodeAuthenticatedData(
      frankingCommitment(unb64(p.kf), content),
      sourceCommit(content, unb64(p.r)).comm,
    );
    const data = await craft(alice, chat, encodePayload(p), good);
    w.relay.inject('bob', { id: p.id, conversationId: chat, kind: 'application', from: 'alice', data });
    await bob.sync();
    assert.match(bob.dropped.at(-1)!.reason, /no relay stamp/);

    // A stamp the relay made for one message, replayed onto another.
    await alice.send(chat, 'first');
    const [first] = await bob.sync();
    const p2 = payload('hello again');
    const c2 = { body: 'hello again' };
    const data2 = await craft(
      alice,
      chat,
      encodePayload(p2),
      encodeAuthenticatedData(frankingCommitment(unb64(p2.kf), c2), sourceCommit(c2, unb64(p2.r)).comm),
    );
    w.relay.inject('bob', {
      id: p2.id,
      conversationId: chat,
      kind: 'application',
      from: 'alice',
      data: data2,
      relay: { context: first!.context, tag: first!.tag, src: '', sig: '' },
    });
    await bob.sync();
    assert.match(bob.dropped.at(-1)!.reason, /stamp is for another delivery/);

    // A source commitment that the payload's randomness does not open.
    const p3 = payload('third');
    const c3 = { body: 'third' };
    await w.relay.send({
      id: p3.id,
      conversationId: chat,
      kind: 'application',
      from: 'alice',
      to: ['bob'],
      data: await craft(
        alice,
        chat,
        encodePayload(p3),
        encodeAuthenticatedData(frankingCommitment(unb64(p3.kf), c3), sourceCommit(c3).comm),
      ),
    });
    await bob.sync();
    assert.match(bob.dropped.at(-1)!.reason, /source record does not verify/);
  });

  it('refuses payloads that are not canonical, of another version, or malformed', async () => {
    const { alice, bob, chat, w } = await pair();
    const send = async (bytes: Uint8Array, body = 'x') => {
      const p = payload(body);
      const ad = encodeAuthenticatedData(
        frankingCommitment(unb64(p.kf), { body }),
        sourceCommit({ body }, unb64(p.r)).comm,
      );
      await w.relay.send({
        id: p.id,
        conversationId: chat,
        kind: 'application',
        from: 'alice',
        to: ['bob'],
        data: await craft(alice, chat, bytes, ad),
      });
      assert.deepEqual(await bob.sync(), []);
      return bob.dropped.at(-1)!.reason;
    };
    assert.match(await send(new TextEncoder().encode(JSON.stringify({ body: 'x', v: 1 }, null, 1))), /canonical/);
    assert.match(await send(new TextEncoder().encode(canonicalJson({ ...payload('x'), v: 2 }))), /version-1/);
    assert.match(
      await send(new TextEncoder().encode(canonicalJson({ ...payload('x'), hops: 2 }))),
      /original source record/,
    );
    assert.match(
      await send(new TextEncoder().encode(canonicalJson({ ...payload('x'), extra: true }))),
      /unknown field/,
    );
    assert.match(
      await send(new TextEncoder().encode(canonicalJson({ ...payload('x'), kf: b64(randomBytes(16)) }))),
      /franking key/,
    );
    // Canonical JSON: sorted keys, so one payload has one encoding.
    assert.equal(canonicalJson({ b: 1, a: [true, null, 'é'] }), '{"a":[true,null,"é"],"b":1}');
    assert.throws(() => canonicalJson({ a: 0.5 }), /safe integers/);
    const p = payload('round trip');
    assert.deepEqual(decodePayload(encodePayload(p)), p);
  });

  it('disappearing messages: the timer reaches every member; messages are forgotten after it, and never shown if already expired', async () => {
    const w = world();
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => w.client(u)));
    const chat = await alice!.createConversation(['bob'], { ttlSeconds: 60 });
    await w.syncAll();
    assert.equal(bob!.disappearingTimer(chat), 60, 'a newcomer learns the timer');
    await alice!.send(chat, 'gone in a minute');
    await bob!.sync();
    assert.equal(bob!.history(chat).length, 1);
    w.clock.t += 59_000;
    assert.equal(bob!.history(chat).length, 1);
    w.clock.t += 2_000;
    assert.equal(bob!.history(chat).length, 0);
    assert.throws(() => bob!.buildReport(chat, ['anything']), /not in this conversation|expired/);

    // The relay drops a ciphertext not fetched in time; the client drops one that reaches it expired.
    await alice!.send(chat, 'never fetched in time');
    w.clock.t += 61_000;
    assert.deepEqual(await bob!.sync(), []);
    await alice!.send(chat, 'late');
    const queued = await w.relay.receive('bob');
    w.clock.t += 61_000;
    for (const e of queued) w.relay.inject('bob', { ...e, expiresAt: undefined }); // a relay that kept it
    assert.deepEqual(await bob!.sync(), []);
    assert.match(bob!.dropped.at(-1)!.reason, /expired before it was read/);

    // Any member changes the timer for everyone; turning it off makes messages stay.
    await bob!.setDisappearing(chat, null);
    await alice!.sync();
    assert.equal(alice!.disappearingTimer(chat), null);
    await alice!.send(chat, 'stays');
    await bob!.sync();
    w.clock.t += 10 * 86_400_000;
    assert.deepEqual(
      bob!.history(chat).map((m) => m.body),
      ['stays'],
    );
    await alice!.setDisappearing(chat, 5);
    await alice!.addMembers(chat, ['carol']);
    await w.syncAll();
    assert.deepEqual([bob!.disappearingTimer(chat), carol!.disappearingTimer(chat)], [5, 5]);
    await assert.rejects(alice!.setDisappearing(chat, -1), RangeError);
  });
});
