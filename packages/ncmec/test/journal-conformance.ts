// One conformance suite for FilingJournal, run against every implementation (the Hono way): the CLI's
// FileJournal here (filing-journal.conformance.test.ts) and the server's database journal on SQLite
// and PostgreSQL (packages/server/test/filing-journal.conformance.test.ts). It checks what fileReport
// relies on, ending with the property the journal exists for: a filing interrupted after NCMEC opened
// the report resumes from the journal, after a restart, without a second submit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE_REPORT, fileReport, type FilingJournal, type FilingState } from '../src/index.ts';
import type { FakeCyberTipline } from '../src/fake/server.ts';
import { startTestCyberTipline, testClient, testFiles } from './filing-fixtures.ts';

export interface JournalStore {
  /** The journal fileReport is given for filing `localId`: a new instance on each call. */
  journal(localId: string): FilingJournal | Promise<FilingJournal>;
  /** Drops every instance and reopens the storage underneath, as a restarted process would. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const state = (localId: string, o: Partial<FilingState> = {}): FilingState => ({
  localId,
  phase: 'submitting',
  reportId: null,
  openedAt: null,
  lastChangeAt: null,
  files: {},
  expiredReportIds: [],
  ...o,
});

/** Every field set, files in each shape the filer writes (uploaded, uploaded without an MD5, described). */
const full = (localId: string): FilingState =>
  state(localId, {
    phase: 'open',
    reportId: 7_123_456_789,
    openedAt: '2026-11-01T12:00:00.000Z',
    lastChangeAt: '2026-11-01T12:05:30.123Z',
    files: {
      'vault-0': { fileId: 'f0-2b1a', md5: 'd41d8cd98f00b204e9800998ecf8427e', detailsSent: true },
      'vault-1': { fileId: 'f1-9c3e', md5: '0cc175b9c0f1b6a831c399e269772661' },
      'vault-é/2': { fileId: 'f2-77aa' },
    },
    expiredReportIds: [7_000_001, 7_000_002],
  });

export function journalConformance(name: string, open: () => Promise<JournalStore>): void {
  describe(`filing journal conformance: ${name}`, () => {
    let store: JournalStore;
    let fake: FakeCyberTipline;
    before(async () => {
      store = await open();
      fake = await startTestCyberTipline();
    });
    after(async () => {
      await fake.close();
      await store.close();
    });

    it('loads null for a filing it has never seen', async () => {
      assert.equal(await (await store.journal('never-saved')).load('never-saved'), null);
    });

    it('round-trips every field of a filing state', async () => {
      const j = await store.journal('round-trip');
      await j.save(full('round-trip'));
      assert.deepEqual(await j.load('round-trip'), full('round-trip'));
      assert.deepEqual(
        await (await store.journal('round-trip')).load('round-trip'),
        full('round-trip'),
        'a new instance',
      );
      const j2 = await store.journal('nulls');
      await j2.save(state('nulls'));
      assert.deepEqual(await j2.load('nulls'), state('nulls'), 'nulls and empty collections stay as they are');
    });

    it('a later save replaces the earlier one whole: the phase moves forward, dropped files stay dropped', async () => {
      const j = await store.journal('forward');
      await j.save(state('forward'));
      await j.save(full('forward'));
      // What an expired report looks like to the filer: back to submitting, files cleared.
      const reset = state('forward', { expiredReportIds: [7_123_456_789] });
      await j.save(reset);
      assert.deepEqual(await j.load('forward'), reset);
      const done = { ...full('forward'), phase: 'finished' as const };
      await j.save(done);
      assert.deepEqual(await (await store.journal('forward')).load('forward'), done);
    });

    it('filings do not see or change each other', async () => {
      const a = await store.journal('apart-a');
      const b = await store.journal('apart-b');
      await a.save(full('apart-a'));
      assert.equal(await b.load('apart-b'), null);
      await b.save(state('apart-b', { phase: 'open', reportId: 42, openedAt: '2026-11-02T00:00:00.000Z' }));
      assert.deepEqual(await a.load('apart-a'), full('apart-a'));
      assert.equal((await b.load('apart-b'))!.reportId, 42);
    });

    it('survives a restart: a new instance over the same storage sees the last save', async () => {
      await (await store.journal('restart')).save(full('restart'));
      await store.restart();
      assert.deepEqual(await (await store.journal('restart')).load('restart'), full('restart'));
    });

    it('concurrent saves of different filings each keep their own last state', async () => {
      const ids = Array.from({ length: 8 }, (_, i) => `concurrent-${i}`);
      await Promise.all(
        ids.map(async (id, i) => {
          const j = await store.journal(id);
          for (let step = 0; step <= 3; step++) {
            await j.save(state(id, { phase: 'open', reportId: 1000 * i + step, openedAt: '2026-11-01T12:00:00.000Z' }));
          }
        }),
      );
      for (const [i, id] of ids.entries()) {
        assert.equal((await (await store.journal(id)).load(id))!.reportId, 1000 * i + 3, id);
      }
    });

    it('a filing interrupted after submit resumes after a restart: one report, submitted once, filed once', async () => {
      const id = 'crash-resume';
      const submits = () => fake.requests.filter((q) => q.path === '/submit').length;
      const before = { submits: submits(), reports: fake.reports.length };
      fake.failNext('/upload', 1);
      await assert.rejects(
        fileReport(testClient(fake), await store.journal(id), {
          localId: id,
          report: EXAMPLE_REPORT,
          files: testFiles(2),
        }),
      );
      await store.restart();
      const mid = (await (await store.journal(id)).load(id))!;
      assert.equal(mid.phase, 'open');
      const s = await fileReport(testClient(fake), await store.journal(id), {
        localId: id,
        report: EXAMPLE_REPORT,
        files: testFiles(2),
      });
      assert.equal(s.phase, 'finished');
      assert.equal(s.reportId, mid.reportId);
      assert.equal(submits(), before.submits + 1, 'no second submit');
      assert.equal(fake.reports.length, before.reports + 1);
      const r = fake.reports.find((x) => x.reportId === s.reportId)!;
      assert.deepEqual([r.status, r.files.length], ['finished', 2]);
      assert.deepEqual(await (await store.journal(id)).load(id), s, 'the journal holds the finished state');
      const again = await fileReport(testClient(fake), await store.journal(id), {
        localId: id,
        report: EXAMPLE_REPORT,
        files: testFiles(2),
      });
      assert.equal(again.phase, 'finished', 'a finished filing is left alone');
      assert.equal(submits(), before.submits + 1);
    });
  });
}
