// MLS conversations through the in-process relay: 1:1 and groups, Welcome, adds by any member,
// removal with a new epoch the removed member cannot read, key updates, and refusals of a
// substituted key package or a commit signed by someone other than its claimed sender.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCommit, zeroOutUint8Array } from 'ts-mls';
import { VigilClient } from '../src/index.ts';
import { cipherSuite, encodeKeyPackage, encodeMessage, newIdentity, newKeyPackage } from '../src/mls.ts';
import { world } from './world.ts';

const internals = (c: VigilClient) =>
  c as unknown as { conversations: Map<string, { state: Parameters<typeof createCommit>[0]['state'] }> };

describe('conversations', () => {
  it('a 1:1 conversation: both directions, and the relay only ever sees ciphertext', async () => {
    const w = world();
    const alice = await w.client('alice'),
      bob = await w.client('bob');
    const chat = await alice.createConversation(['bob']);
    await bob.sync();
    assert.deepEqual(bob.members(chat).sort(), ['alice', 'bob']);
    await alice.send(chat, 'hello bob, the word is periwinkle');
    const [m] = await bob.sync();
    assert.equal(m!.body, 'hello bob, the word is periwinkle');
    assert.equal(m!.senderId, 'alice');
    await bob.send(chat, 'hi alice');
    assert.equal((await alice.sync())[0]!.body, 'hi alice');
    const secret = new TextEncoder().encode('periwinkle');
    assert.ok(w.relay.seen.length >= 3);
    assert.ok(w.relay.seen.every((ct) => !Buffer.from(ct).includes(Buffer.from(secret))));
  });

  it('a three-party group: any member adds someone, everyone processes that commit, and reads the newcomer', async () => {
    const w = world();
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((u) => w.client(u)));
    const g = await alice!.createConversation(['bob', 'carol']);
    await w.syncAll();
    assert.equal(carol!.epoch(g), alice!.epoch(g));
    await bob!.addMembers(g, ['dave']); // a commit by a member other than the creator
    await w.syncAll();
    for (const c of [alice!, bob!, carol!, dave!])
      assert.deepEqual(c.members(g).sort(), ['alice', 'bob', 'carol', 'dave'], c.userId);
    assert.equal(new Set([alice!, bob!, carol!, dave!].map((c) => c.epoch(g))).size, 1, 'one epoch for all');
    await dave!.send(g, 'hello from dave');
    const got = await Promise.all([alice!, bob!, carol!].map((c) => c.sync()));
    assert.deepEqual(
      got.map((x) => x.map((m) => m.body)),
      [['hello from dave'], ['hello from dave'], ['hello from dave']],
    );
  });

  it('after a removal the group moves to a new epoch; the removed member learns it and cannot read later messages', async () => {
    const w = world();
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => w.client(u)));
    const g = await alice!.createConversation(['bob', 'carol']);
    await w.syncAll();
    const before = alice!.epoch(g);
    await alice!.removeMember(g, 'carol');
    await w.syncAll();
    assert.equal(bob!.epoch(g), before + 1);
    assert.deepEqual(bob!.members(g).sort(), ['alice', 'bob']);
    assert.deepEqual(carol!.conversationIds(), [], 'carol processed her removal and forgot the group');
    await alice!.send(g, 'only for bob now');
    assert.equal((await bob!.sync())[0]!.body, 'only for bob now');
    // Carol obtains the ciphertext anyway (a leak): she cannot open it.
    const leaked = w.relay.seen.at(-1)!;
    w.relay.inject('carol', { id: 'leak-1', conversationId: g, kind: 'application', from: 'alice', data: leaked });
    assert.deepEqual(await carol!.sync(), []);
    assert.equal(carol!.dropped.at(-1)!.envelopeId, 'leak-1');
    // Even a copy of her old group state does not open messages of the new epoch.
    const w2 = world();
    const [a2, b2, c2] = await Promise.all(['alice', 'bob', 'carol'].map((u) => w2.client(u)));
    const g2 = await a2!.createConversation(['bob', 'carol']);
    await w2.syncAll();
    const carolsOldState = c2!.exportState();
    await a2!.removeMember(g2, 'carol');
    await w2.syncAll();
    await a2!.send(g2, 'after carol left');
    assert.equal((await b2!.sync())[0]!.body, 'after carol left');
    const stale = VigilClient.importState(carolsOldState, w2.relay, {
      relaySourcePublicKey: w2.sourcePublicKey,
      now: w2.now,
    });
    w2.relay.inject('carol', {
      id: 'leak-2',
      conversationId: g2,
      kind: 'application',
      from: 'alice',
      data: w2.relay.seen.at(-1)!,
    });
    assert.deepEqual(await stale.sync(), []);
    assert.equal(stale.dropped.at(-1)!.envelopeId, 'leak-2', 'the AEAD refuses: wrong epoch secrets');
  });

  it('key updates move everyone to a new epoch and messages keep flowing', async () => {
    const w = world();
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => w.client(u)));
    const g = await alice!.createConversation(['bob', 'carol']);
    await w.syncAll();
    const e = alice!.epoch(g);
    await carol!.updateKeys(g);
    await w.syncAll();
    assert.deepEqual([alice!.epoch(g), bob!.epoch(g), carol!.epoch(g)], [e + 1, e + 1, e + 1]);
    await bob!.send(g, 'still here');
    assert.equal((await carol!.sync())[0]!.body, 'still here');
  });

  it('one identity key signs all of a user’s key packages', async () => {
    const w = world();
    const alice = await w.client('alice');
    const bob = await w.client('bob', 0);
    await bob.publishKeyPackages(2);
    const pub = await bob.signaturePublicKey();
    const restored = VigilClient.importState(bob.exportState(), w.relay, { relaySourcePublicKey: w.sourcePublicKey });
    assert.deepEqual(await restored.signaturePublicKey(), pub);
    const chat = await alice.createConversation(['bob']);
    await bob.sync();
    const leaves = internals(alice)
      .conversations.get(chat)!
      .state.ratchetTree.filter((n) => n?.nodeType === 'leaf')
      .map((n) => (n as { leaf: { signaturePublicKey: Uint8Array } }).leaf.signaturePublicKey);
    assert.ok(leaves.some((k) => Buffer.from(k).equals(Buffer.from(pub))));
  });

  it('refuses a key package of someone else that the directory hands out', async () => {
    const w = world();
    const alice = await w.client('alice');
    await w.client('bob', 0);
    const mallory = await newKeyPackage(await newIdentity('mallory'));
    await w.relay.publishKeyPackage('bob', encodeKeyPackage(mallory.publicPackage));
    await assert.rejects(alice.createConversation(['bob']), /key package of "mallory" for bob/);
  });

  it('refuses a commit whose MLS signer is not the sender the relay names', async () => {
    const w = world();
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => w.client(u)));
    const g = await alice!.createConversation(['bob', 'carol']);
    await w.syncAll();
    // Carol commits, but the envelope claims alice sent it.
    const conv = internals(carol!).conversations.get(g)!;
    const r = await createCommit({ state: conv.state, cipherSuite: await cipherSuite() });
    r.consumed.forEach(zeroOutUint8Array);
    w.relay.inject('bob', {
      id: 'c-1',
      conversationId: g,
      kind: 'commit',
      from: 'alice',
      data: encodeMessage(r.commit),
    });
    const e = bob!.epoch(g);
    await bob!.sync();
    assert.match(bob!.dropped.at(-1)!.reason, /signed by carol arrived as from alice/);
    assert.equal(bob!.epoch(g), e);
  });

  it('client state survives export and import', async () => {
    const w = world();
    const ann = await w.client('ann'),
      ben = await w.client('ben');
    const chat = await ann.createConversation(['ben']);
    await ben.sync();
    await ann.send(chat, 'before the restart');
    await ben.sync();
    const ben2 = VigilClient.importState(ben.exportState(), w.relay, {
      relaySourcePublicKey: w.sourcePublicKey,
      now: w.now,
    });
    assert.equal(ben2.history(chat)[0]!.body, 'before the restart');
    await ann.send(chat, 'after the restart');
    assert.equal((await ben2.sync())[0]!.body, 'after the restart');
    await ben2.send(chat, 'reply from the restored client');
    assert.equal((await ann.sync())[0]!.body, 'reply from the restored client');
    assert.throws(
      () => VigilClient.importState('{"v":2}', w.relay, { relaySourcePublicKey: w.sourcePublicKey }),
      /unknown client state version/,
    );
  });
});
