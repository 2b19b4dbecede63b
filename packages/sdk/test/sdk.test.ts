// The client SDK with an in-process relay: MLS conversations, removal, attachments, franking (a
// message whose commitment does not open is dropped), forwarding labels and limits, reports that the
// relay's keys verify (and trace to the original author), disappearing messages.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createApplicationMessage, zeroOutUint8Array } from 'ts-mls';
import { newRelaySourceKeys, randomBytes, verifyReportedMessage, traceSource, decodeSourceRecord, frankingCommitment, sourceCommit } from '@vigil/crypto';
import { VigilClient, MemoryRelay, ForwardLimitError, encodeAuthenticatedData } from '../src/index.ts';
import { cipherSuite, encodeMessage } from '../src/mls.ts';
import { b64, encodePayload } from '../src/payload.ts';

const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

describe('Vigil client SDK', () => {
  let t = 1_790_000_000_000;
  const now = () => t;
  const source = newRelaySourceKeys('src-1');
  const franking = { keyId: 'frank-1', key: randomBytes(32) };
  const relay = new MemoryRelay({ franking, source }, now);
  const make = (u: string) => new VigilClient(u, relay, { relaySourcePublicKey: source.signPublic, now });
  const alice = make('alice'), bob = make('bob'), carol = make('carol');
  let group = '';

  before(async () => {
    for (const c of [alice, bob, carol]) await c.publishKeyPackages(4);
  });

  it('a group conversation: members join by Welcome and read messages the relay cannot', async () => {
    group = await alice.createConversation(['bob', 'carol']);
    await bob.sync();
    await carol.sync();
    assert.deepEqual(bob.members(group).sort(), ['alice', 'bob', 'carol']);
    await alice.send(group, 'hello group, a secret word: periwinkle');
    const [b] = await bob.sync();
    const [c] = await carol.sync();
    assert.equal(b!.body, 'hello group, a secret word: periwinkle');
    assert.equal(c!.senderId, 'alice');
    const plain = new TextEncoder().encode('periwinkle');
    assert.ok(relay.seen.every((ct) => !Buffer.from(ct).includes(Buffer.from(plain))), 'the relay only ever saw ciphertext');
  });

  it('attachments: encrypted blobs that open with the key in the message', async () => {
    const bytes = new TextEncoder().encode('generated attachment bytes '.repeat(40));
    await alice.send(group, 'see attached', [{ bytes, mime: 'application/octet-stream' }]);
    const [m] = await bob.sync();
    assert.deepEqual(await bob.openAttachment(m!), bytes);
    await carol.sync();
  });

  it('after a removal the group moves to a new epoch the removed member cannot read', async () => {
    const before = alice.epoch(group);
    await alice.removeMember(group, 'carol');
    await bob.sync();
    assert.equal(bob.epoch(group), before + 1);
    assert.deepEqual(bob.members(group).sort(), ['alice', 'bob']);
    await alice.send(group, 'only for bob now');
    const [m] = await bob.sync();
    assert.equal(m!.body, 'only for bob now');
    // Carol gets the ciphertext anyway (say, from a leak): she cannot open it.
    relay.inject('carol', { id: 'leak', conversationId: group, kind: 'application', from: 'alice', data: relay.seen.at(-1)!, relay: undefined });
    assert.deepEqual(await carol.sync(), []);
    assert.equal(carol.dropped.at(-1)!.envelopeId, 'leak');
  });

  it('drops a message whose franking commitment does not open (so every message stays reportable)', async () => {
    // A modified sender: a valid MLS message whose authenticated data commits to different content.
    const conv = (alice as unknown as { conversations: Map<string, { state: Parameters<typeof createApplicationMessage>[0] }> }).conversations.get(group)!;
    const kf = randomBytes(32);
    const payload = { v: 1 as const, id: 'evil-1', body: 'real text', attachments: [], kf: b64(kf), r: b64(randomBytes(32)), hops: 0, sent_at: t };
    const ad = encodeAuthenticatedData(frankingCommitment(kf, { body: 'other text' }), sourceCommit({ body: 'real text' }, unb64(payload.r)).comm);
    const res = await createApplicationMessage(conv.state, encodePayload(payload), await cipherSuite(), ad);
    res.consumed.forEach(zeroOutUint8Array);
    conv.state = res.newState;
    await relay.send({ id: 'evil-1', conversationId: group, kind: 'application', from: 'alice', to: ['bob'], data: encodeMessage({ privateMessage: res.privateMessage, wireformat: 'mls_private_message', version: 'mls10' }) });
    assert.deepEqual(await bob.sync(), []);
    assert.match(bob.dropped.at(-1)!.reason, /franking commitment does not open/);
  });

  it('labels forwards, limits how widely they go, and keeps the original source record', async () => {
    const chats: Record<string, string> = {};
    chats.ab = await alice.createConversation(['bob']);
    await bob.sync();
    for (const [k, owner, other] of [['bc', bob, 'carol'], ['cb', carol, 'bob']] as const) {
      chats[k] = await owner.createConversation([other]);
      await (other === 'carol' ? carol : bob).sync();
    }
    await alice.send(chats.ab!, 'a picture going round');
    let [m] = await bob.sync();
    assert.equal(bob.history(chats.ab!).at(-1)!.label, '');
    const holders = [bob, carol];
    for (let hop = 1; hop <= 5; hop++) {
      const from = holders[(hop - 1) % 2]!, to = holders[hop % 2]!;
      await from.forward(m!, [from === bob ? chats.bc! : chats.cb!]);
      [m] = await to.sync();
      assert.equal(m!.hops, hop);
    }
    const last = carol.history(chats.bc!).at(-1)!;
    assert.equal(last.label, 'forwarded many times');
    assert.equal(bob.history(chats.cb!).at(-1)!.label, 'forwarded');
    await assert.rejects(carol.forward(m!, [chats.cb!, chats.bc!]), ForwardLimitError);
    const early = bob.history(chats.ab!).at(-1)!;
    await assert.rejects(bob.forward(early, Array(6).fill(chats.bc!)), /at most 5 chats/);
    // Every copy still carries alice's record: a report of the last copy traces to alice.
    const report = carol.buildReport(chats.bc!, [m!.id]);
    const rec = report.messages.at(-1)!;
    const keys = new Map([['src-1', { encKey: source.encKey, signPublic: source.signPublic }]]);
    assert.equal(traceSource(keys, decodeSourceRecord(rec.source), { body: rec.body }).userId, 'alice');
    await bob.sync();
  });

  it('builds reports the relay keys verify, with up to five previous messages as context; tampering fails', async () => {
    for (let i = 0; i < 7; i++) await alice.send(group, `message ${i}`);
    const got = await bob.sync();
    const target = got.at(-1)!;
    const report = bob.buildReport(group, [target.id]);
    assert.equal(report.version, 1);
    assert.equal(report.messages.length, 6);
    assert.deepEqual(report.messages.map((m) => m.context_only ?? false), [true, true, true, true, true, false]);
    const keys = new Map([[franking.keyId, franking.key]]);
    const check = (m: (typeof report.messages)[number]) =>
      verifyReportedMessage({ content: { body: m.body, attachments: m.attachments.map((a) => ({ blobId: a.blob_id, key: unb64(a.key), sha256: a.sha256 })) }, frankingKey: unb64(m.franking_key), context: { conversationId: m.conversation_id, senderId: m.sender_id, epoch: m.epoch, messageId: m.message_id, timestamp: m.timestamp, keyId: m.key_id }, tag: unb64(m.tag) }, keys);
    for (const m of report.messages) assert.deepEqual(check(m), { ok: true });
    assert.equal(check({ ...report.messages.at(-1)!, body: 'message 6 (edited)' }).ok, false);
    assert.equal(check({ ...report.messages.at(-1)!, sender_id: 'carol' }).ok, false);
  });

  it('disappearing messages: the client forgets them after the timer, the relay drops undelivered ones', async () => {
    const chat = await alice.createConversation(['bob'], { ttlSeconds: 60 });
    await bob.sync();
    await alice.send(chat, 'gone in a minute');
    await bob.sync();
    assert.equal(bob.history(chat).length, 1);
    t += 61_000;
    assert.equal(bob.history(chat).length, 0);
    await alice.send(chat, 'never fetched in time');
    t += 61_000;
    assert.deepEqual(await bob.sync(), [], 'the relay dropped the expired ciphertext');
  });
});

describe('client state', () => {
  it('survives export and import: the restored client keeps reading and sending in its conversations', async () => {
    const source = newRelaySourceKeys('src-1');
    const relay = new MemoryRelay({ franking: { keyId: 'f', key: randomBytes(32) }, source });
    const opts = { relaySourcePublicKey: source.signPublic };
    const a = new VigilClient('ann', relay, opts), b = new VigilClient('ben', relay, opts);
    await a.publishKeyPackages(2);
    await b.publishKeyPackages(2);
    const chat = await a.createConversation(['ben']);
    await b.sync();
    await a.send(chat, 'before the restart');
    await b.sync();
    const b2 = VigilClient.importState(b.exportState(), relay, opts);
    assert.equal(b2.history(chat)[0]!.body, 'before the restart');
    await a.send(chat, 'after the restart');
    assert.equal((await b2.sync())[0]!.body, 'after the restart');
    await b2.send(chat, 'reply from the restored client');
    assert.equal((await a.sync())[0]!.body, 'reply from the restored client');
    assert.throws(() => VigilClient.importState('{"v":2}', relay, opts), /unknown client state version/);
  });
});
