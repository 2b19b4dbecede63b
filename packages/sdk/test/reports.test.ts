// Reports built by a recipient verify end to end with the relay's keys (franking opening, reporting tag,
// source record). Each field's binding and the tampering cases are @vigil/crypto's tests (report.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyReport, type ReportV1 } from '../src/index.ts';
import { world } from './world.ts';

describe('reports', async () => {
  const w = world();
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => w.client(u)));
  const g = await alice!.createConversation(['bob', 'carol']);
  await w.syncAll();
  for (let i = 0; i < 7; i++) await (i % 2 ? carol! : alice!).send(g, `message ${i}`);
  await alice!.send(g, 'the reported message', [
    { bytes: new TextEncoder().encode('generated evidence file'), mime: 'text/plain' },
  ]);
  const got = await bob!.sync();
  const target = got.at(-1)!;
  const report = bob!.buildReport(g, [target.id]);
  const clone = (): ReportV1 => JSON.parse(JSON.stringify(report));
  const last = (r: ReportV1) => r.messages.at(-1)!;

  it('has the version-1 shape with five context messages before the reported one', () => {
    assert.equal(report.version, 1);
    assert.equal(report.reporter_id, 'bob');
    assert.equal(report.conversation_id, g);
    assert.equal(report.messages.length, 6);
    assert.deepEqual(
      report.messages.map((m) => m.context_only ?? false),
      [true, true, true, true, true, false],
    );
    assert.deepEqual(
      report.messages.map((m) => m.body),
      ['message 2', 'message 3', 'message 4', 'message 5', 'message 6', 'the reported message'],
    );
    assert.deepEqual(
      Object.keys(last(report)).sort(),
      [
        'attachments',
        'body',
        'conversation_id',
        'epoch',
        'franking_key',
        'hops',
        'key_id',
        'message_id',
        'recipient_id',
        'sender_id',
        'sent_at',
        'source',
        'tag',
        'timestamp',
      ].sort(),
    );
    assert.equal(bob!.buildReport(g, [target.id], { context: 2 }).messages.length, 3);
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(report))), JSON.stringify(report), 'plain JSON');
  });

  it('verifies with the relay keys and names the sender as the source of an original', async () => {
    const v = verifyReport(clone(), w.verifying, { reporterId: 'bob' });
    assert.equal(v.status, 'verified');
    assert.equal(
      verifyReport(clone(), w.verifying, { reporterId: 'carol' }).status,
      'forged',
      "the tags bind Bob's copies to Bob",
    );
    assert.ok(
      v.messages.every((m) => m.ok),
      JSON.stringify(v.messages),
    );
    assert.deepEqual(v.source, { user_id: 'alice', timestamp: last(report).timestamp });
    // The safety service opens the reported attachment with the revealed key and checks its hash.
    assert.deepEqual(await bob!.openAttachment(target), new TextEncoder().encode('generated evidence file'));
  });

  it('a source record taken from another message does not make someone else the author', async () => {
    // Different content: the record's commitment does not open.
    await carol!.send(g, 'the reported message', [{ bytes: new TextEncoder().encode('other'), mime: 'text/plain' }]);
    const [fromCarol] = await bob!.sync();
    const r = clone();
    last(r).source = fromCarol!.source;
    assert.equal(verifyReport(r, w.verifying).status, 'forged');
    // Identical content from two senders: each record opens, but an original's must name its sender.
    await alice!.send(g, 'same words');
    await carol!.send(g, 'same words');
    const [a, c] = await bob!.sync();
    const r2 = bob!.buildReport(g, [a!.id], { context: 0 });
    assert.equal(verifyReport(r2, w.verifying).status, 'verified');
    last(r2).source = c!.source;
    const v = verifyReport(r2, w.verifying);
    assert.equal(v.status, 'forged');
    assert.match(v.messages.at(-1)!.reason!, /names someone other than its sender/);
  });
});
