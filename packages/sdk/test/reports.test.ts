// Reports: built by a recipient, verified with the relay's keys (franking opening, reporting tag,
// source record); any tampering is detected.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyReport, MemoryRelay, type ReportV1, type RevealedMessageV1 } from '../src/index.ts';
import { world } from './world.ts';

const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const flip = (s: string, i = 0) => {
  const b = unb64(s);
  b[i]! ^= 1;
  return b64(b);
};

describe('reports', async () => {
  const w = world();
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => w.client(u)));
  const g = await alice!.createConversation(['bob', 'carol']);
  await w.syncAll();
  for (let i = 0; i < 7; i++) await (i % 2 ? carol! : alice!).send(g, `message ${i}`);
  await alice!.send(g, 'the reported message', [{ bytes: new TextEncoder().encode('generated evidence file'), mime: 'text/plain' }]);
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
    assert.deepEqual(report.messages.map((m) => m.context_only ?? false), [true, true, true, true, true, false]);
    assert.deepEqual(report.messages.map((m) => m.body), ['message 2', 'message 3', 'message 4', 'message 5', 'message 6', 'the reported message']);
    assert.deepEqual(Object.keys(last(report)).sort(), ['attachments', 'body', 'conversation_id', 'epoch', 'franking_key', 'hops', 'key_id', 'message_id', 'recipient_id', 'sender_id', 'sent_at', 'source', 'tag', 'timestamp'].sort());
    assert.equal(bob!.buildReport(g, [target.id], { context: 2 }).messages.length, 3);
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(report))), JSON.stringify(report), 'plain JSON');
  });

  it('verifies with the relay keys and names the sender as the source of an original', async () => {
    const v = verifyReport(clone(), w.verifying);
    assert.equal(v.status, 'verified');
    assert.ok(v.messages.every((m) => m.ok), JSON.stringify(v.messages));
    assert.deepEqual(v.source, { user_id: 'alice', timestamp: last(report).timestamp });
    // The safety service opens the reported attachment with the revealed key and checks its hash.
    assert.deepEqual(await bob!.openAttachment(target), new TextEncoder().encode('generated evidence file'));
  });

  it('fails when anything in a reported message is changed', () => {
    const cases: [string, (m: RevealedMessageV1) => void][] = [
      ['body', (m) => (m.body += '!')],
      ['attachment hash', (m) => (m.attachments[0]!.sha256 = '0'.repeat(64))],
      ['attachment key', (m) => (m.attachments[0]!.key = flip(m.attachments[0]!.key))],
      ['attachment removed', (m) => (m.attachments = [])],
      ['franking key', (m) => (m.franking_key = flip(m.franking_key, 31))],
      ['tag', (m) => (m.tag = flip(m.tag, 5))],
      ['sender', (m) => (m.sender_id = 'carol')],
      ['conversation', (m) => (m.conversation_id = 'elsewhere')],
      ['timestamp', (m) => (m.timestamp += 1)],
      ['epoch', (m) => (m.epoch += 1)],
      ['message id', (m) => (m.message_id += 'x')],
      ['relay key id', (m) => (m.key_id = 'frank-2')],
      ['source record ciphertext', (m) => (m.source.src = flip(m.source.src, 40))],
      ['source signature', (m) => (m.source.sig = flip(m.source.sig))],
      ['source opening', (m) => (m.source.r = flip(m.source.r))],
    ];
    for (const [what, change] of cases) {
      const r = clone();
      change(last(r));
      const v = verifyReport(r, w.verifying);
      assert.equal(v.status, 'forged', what);
      assert.equal(v.messages.at(-1)!.ok, false, what);
      assert.equal(v.source, undefined, what);
    }
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

  it('a tampered context message is marked, the report stays verified; other keys verify nothing', () => {
    const r = clone();
    r.messages[0]!.body = 'edited context';
    const v = verifyReport(r, w.verifying);
    assert.equal(v.status, 'verified');
    assert.deepEqual(v.messages.map((m) => m.ok), [false, true, true, true, true, true]);
    const other = MemoryRelay.withFreshKeys().verifying;
    assert.equal(verifyReport(clone(), other).status, 'forged');
    assert.equal(verifyReport({ version: 2, messages: report.messages }, w.verifying).status, 'unverifiable');
    assert.equal(verifyReport(null, w.verifying).status, 'unverifiable');
    assert.equal(verifyReport({ version: 1, messages: [{ junk: true }] }, w.verifying).status, 'forged');
  });
});
