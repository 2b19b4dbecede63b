// Forwarding: the hop counter, its labels and limits, and the original source record kept by every copy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForwardLimitError, forwardLabel, forwardLimit, verifyReport, type StoredMessage } from '../src/index.ts';
import { world } from './world.ts';

describe('forwarding', () => {
  it('labels and limits follow the hop count', () => {
    assert.deepEqual([0, 1, 4, 5, 9].map(forwardLabel), [
      '',
      'forwarded',
      'forwarded',
      'forwarded many times',
      'forwarded many times',
    ]);
    assert.deepEqual([0, 4, 5, 6].map(forwardLimit), [5, 5, 1, 1]);
  });

  it('a chain of forwards: labels, limits, and every copy traces to the original author', async () => {
    const w = world();
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((u) => w.client(u, 12)));
    const ab = await alice!.createConversation(['bob']);
    const bc = await bob!.createConversation(['carol']);
    const cb = await carol!.createConversation(['bob']);
    const bobChats = [];
    for (let i = 0; i < 6; i++) bobChats.push(await bob!.createConversation(['dave']));
    await w.syncAll();

    await alice!.send(ab, 'a picture going round', [{ bytes: new Uint8Array(64).fill(3), mime: 'image/png' }]);
    const [m] = await bob!.sync();
    assert.equal(bob!.history(ab).at(-1)!.label, '');
    // An original goes to at most five chats; five is fine.
    await assert.rejects(
      bob!.forward(m!, bobChats),
      (e: unknown) => e instanceof ForwardLimitError && e.limit === 5 && e.requested === 6,
    );
    await bob!.forward(m!, bobChats.slice(0, 5));
    const daves = await dave!.sync();
    assert.equal(daves.length, 5);
    assert.ok(daves.every((x) => x.hops === 1 && x.body === 'a picture going round'));
    assert.equal(dave!.history(bobChats[0]!).at(-1)!.label, 'forwarded');
    assert.deepEqual(
      await dave!.openAttachment(daves[0]!),
      new Uint8Array(64).fill(3),
      'the forward carries the attachment key',
    );

    // Bob and Carol pass it back and forth.
    const holders = [bob!, carol!];
    let copy: StoredMessage = m!;
    for (let hop = 1; hop <= 5; hop++) {
      const from = holders[(hop - 1) % 2]!,
        to = holders[hop % 2]!;
      await from.forward(copy, [from === bob ? bc : cb]);
      [copy] = (await to.sync()) as [StoredMessage];
      assert.equal(copy.hops, hop);
    }
    assert.equal(carol!.history(bc).at(-1)!.label, 'forwarded many times');
    assert.equal(bob!.history(cb).at(-1)!.label, 'forwarded');
    // Forwarded many times: one chat at a time.
    await assert.rejects(carol!.forward(copy, [cb, cb]), /forwarded many times.*at most 1 chat/);
    await carol!.forward(copy, [cb]);
    const [sixth] = await bob!.sync();
    assert.equal(sixth!.hops, 6);

    // A report of the sixth copy (bob received it from carol) names alice as the source, not carol or bob.
    const report = bob!.buildReport(cb, [sixth!.id]);
    const v = verifyReport(report, w.verifying);
    assert.equal(v.status, 'verified');
    assert.deepEqual(v.source!.user_id, 'alice');
    assert.equal(report.messages.at(-1)!.sender_id, 'carol');
    assert.equal(report.messages.at(-1)!.hops, 6);
  });
});
