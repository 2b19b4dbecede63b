// User reports are checked with the relay's keys: franking openings against reporting tags, and the
// source record of a forwarded item. Forged reports are counted against the reporter, never reviewed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  frankingCommitment,
  newFrankingKey,
  reportingTag,
  relayStampSource,
  sourceCommit,
  encodeSourceRecord,
  type FrankedContent,
} from '@vigil/crypto';
import { DIALECTS, testApp, staffSession, silentLog, type TestApp } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { relayKeys } from '../src/reports/relay-keys.ts';
import { computeTransparency } from '../src/legal/transparency.ts';
import { VigilClient, MemoryRelay } from '@vigil/sdk';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

for (const dialect of DIALECTS) {
  describe(`report verification (${dialect})`, () => {
    let ta: TestApp;
    before(async () => {
      ta = await testApp(dialect);
    });
    after(async () => ta.close());

    /** What a client SDK reveals for one delivered message, the relay having tagged (and source-stamped) it. */
    function revealed(
      body: string,
      o: { sender: string; recipient: string; messageId: string; forwardedFrom?: string },
    ) {
      const keys = relayKeys(ta.ctx.cfg);
      const content: FrankedContent = { body };
      const kf = newFrankingKey();
      const ctx = {
        conversationId: 'conv-1',
        senderId: o.sender,
        recipientId: o.recipient,
        epoch: 2,
        messageId: o.messageId,
        timestamp: 1_790_000_000_000,
        keyId: keys.activeFranking,
      };
      const tag = reportingTag(keys.franking.get(keys.activeFranking)!, frankingCommitment(kf, content), ctx);
      const src = keys.source.get(keys.activeSource)!;
      const { comm, r } = sourceCommit(content);
      const stamp = relayStampSource(
        { keyId: keys.activeSource, encKey: src.encKey, signSecret: src.signSecret! },
        comm,
        { userId: o.forwardedFrom ?? o.sender, timestamp: 1_789_000_000_000 },
      );
      return {
        message_id: o.messageId,
        conversation_id: 'conv-1',
        sender_id: o.sender,
        recipient_id: o.recipient,
        epoch: 2,
        timestamp: ctx.timestamp,
        key_id: ctx.keyId,
        body,
        franking_key: b64(kf),
        tag: b64(tag),
        source: encodeSourceRecord({ comm, r, ...stamp }),
      };
    }

    it('verifies a genuine report, traces the forwarded item to its author, rejects a forged one', async () => {
      const genuine = revealed('a message I was sent', {
        sender: 'acc-bad',
        recipient: 'acc-rep1',
        messageId: 'm1',
        forwardedFrom: 'acc-origin',
      });
      const context = {
        ...revealed('earlier message', { sender: 'acc-bad', recipient: 'acc-rep1', messageId: 'm0' }),
        context_only: true,
        body: 'edited context',
      };
      const forged = {
        ...revealed('what was really sent', { sender: 'acc-bad', recipient: 'acc-rep2', messageId: 'm2' }),
        body: 'words the sender never wrote',
      };
      const now = ta.clock.now().toISOString();
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'r1',
            type: 'report.filed',
            occurred_at: now,
            report: {
              id: 'rep-ok',
              reporter_id: 'acc-rep1',
              subject: { type: 'account', id: 'acc-bad' },
              reason: 'child_safety',
              evidence: { version: 1, messages: [context, genuine] },
            },
          },
          {
            id: 'r2',
            type: 'report.filed',
            occurred_at: now,
            report: {
              id: 'rep-forged',
              reporter_id: 'acc-rep2',
              subject: { type: 'account', id: 'acc-bad' },
              reason: 'child_safety',
              evidence: { version: 1, messages: [forged] },
            },
          },
          {
            id: 'r3',
            type: 'report.filed',
            occurred_at: now,
            report: {
              id: 'rep-plain',
              reporter_id: 'acc-rep3',
              subject: { type: 'account', id: 'acc-bad' },
              reason: 'spam',
              evidence: { messages: [{ sender: 'acc-bad', text: 'plain platform text' }] },
            },
          },
        ]),
        ta.clock,
      );
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
      const rows = await ta.ctx.db.kysely
        .selectFrom('user_reports')
        .select(['id', 'verification', 'verification_detail'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.verification]),
        [
          ['rep-forged', 'forged'],
          ['rep-ok', 'verified'],
          ['rep-plain', 'unverifiable'],
        ],
      );
      const ok = JSON.parse(rows[1]!.verification_detail!);
      assert.deepEqual(ok.source, { user_id: 'acc-origin', timestamp: 1_789_000_000_000 });
      assert.deepEqual(
        ok.messages.map((m: { ok: boolean; context_only: boolean }) => [m.ok, m.context_only]),
        [
          [false, true],
          [true, false],
        ],
        'the edited context message is unverified, the report still verified',
      );

      const signals = await ta.ctx.db.kysely
        .selectFrom('signals')
        .select(['kind', 'subject_id', 'evidence'])
        .where('kind', 'in', ['report.user', 'report.forged'])
        .orderBy('id')
        .execute();
      const forgedSig = signals.filter((s) => s.kind === 'report.forged');
      assert.deepEqual(
        forgedSig.map((s) => s.subject_id),
        ['acc-rep2'],
        'counted against the reporter',
      );
      const userSigs = signals.filter((s) => s.kind === 'report.user').map((s) => JSON.parse(s.evidence));
      assert.deepEqual(
        userSigs.map((e) => e.report_id).sort(),
        ['rep-ok', 'rep-plain'],
        'a forged report raises no review signal',
      );
      assert.equal(userSigs.find((e) => e.report_id === 'rep-ok').original_author, 'acc-origin');
      assert.equal(Math.max(...userSigs.map((e) => e.distinct_reporters)), 2, 'forged reporters are not counted');

      const reviewer = await staffSession(ta, 'reviewer');
      const list = (
        await ta.app.inject({
          method: 'GET',
          url: '/v1/reports?subject_type=account&subject_id=acc-bad',
          headers: { cookie: reviewer.cookie },
        })
      ).json().reports;
      const shown = list.find((r: { id: string }) => r.id === 'rep-ok');
      assert.deepEqual(
        shown.messages.map((m: { text: string; franking_verified: boolean }) => [m.text, m.franking_verified]),
        [
          ['edited context', false],
          ['a message I was sent', true],
        ],
      );
      assert.equal(list.find((r: { id: string }) => r.id === 'rep-plain').messages[0].franking_verified, false);

      const t = await computeTransparency(
        ta.ctx.db.kysely,
        ta.clock.now().toISOString().slice(0, 10),
        ta.clock.now().toISOString().slice(0, 10),
      );
      assert.deepEqual(
        [t.user_reports.received, t.user_reports.verified, t.user_reports.rejected_as_forged],
        [3, 1, 1],
      );
    });

    it("end to end: a report built by the client SDK, relayed with the service's keys, is verified", async () => {
      const keys = relayKeys(ta.ctx.cfg);
      const src = keys.source.get(keys.activeSource)!;
      const relay = new MemoryRelay({
        franking: { keyId: keys.activeFranking, key: keys.franking.get(keys.activeFranking)! },
        source: { keyId: keys.activeSource, encKey: src.encKey, signSecret: src.signSecret! },
      });
      const sender = new VigilClient('acc-sdk-sender', relay, { relaySourcePublicKey: src.signPublic });
      const reporter = new VigilClient('acc-sdk-reporter', relay, { relaySourcePublicKey: src.signPublic });
      await reporter.publishKeyPackages(2);
      const chat = await sender.createConversation(['acc-sdk-reporter']);
      await reporter.sync();
      await sender.send(chat, 'first');
      await sender.send(chat, 'the message being reported');
      const got = await reporter.sync();
      const evidence = reporter.buildReport(chat, [got.at(-1)!.id]);
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'sdk-r',
            type: 'report.filed',
            occurred_at: ta.clock.now().toISOString(),
            report: {
              id: 'rep-sdk',
              reporter_id: 'acc-sdk-reporter',
              subject: { type: 'account', id: 'acc-sdk-sender' },
              reason: 'child_safety',
              evidence,
            },
          },
        ]),
        ta.clock,
      );
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
      const row = await ta.ctx.db.kysely
        .selectFrom('user_reports')
        .select(['verification', 'verification_detail'])
        .where('id', '=', 'rep-sdk')
        .executeTakeFirstOrThrow();
      assert.equal(row.verification, 'verified');
      assert.deepEqual(JSON.parse(row.verification_detail!).source.user_id, 'acc-sdk-sender');
    });
  });
}
