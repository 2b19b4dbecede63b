// The client and the filer against the local fake CyberTipline: success, refused credentials,
// server errors, timeouts, lost answers, expiry and retraction. Each scenario checks what the fake
// saw: a report is filed exactly once. Resuming after a crash is in the journal conformance suite
// (journal-conformance.ts), run against every FilingJournal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal, fileReport, retractFiling, NcmecError, parseResponse, EXAMPLE_REPORT } from '../src/index.ts';
import type { FakeCyberTipline } from '../src/fake/server.ts';
import { startTestCyberTipline, testClient, testFiles as files } from './filing-fixtures.ts';

describe('CyberTipline client and filer against the fake', () => {
  let fake: FakeCyberTipline;
  const client = (o: { password?: string; timeoutMs?: number } = {}) => testClient(fake, o);
  const journal = () => new FileJournal(mkdtempSync(join(tmpdir(), 'vigil-filing-')));
  const finished = () => fake.reports.filter((r) => r.status === 'finished');

  before(async () => {
    fake = await startTestCyberTipline();
  });
  after(async () => fake.close());

  it('files a report with two files; status answers; every answer carries a Request-ID', async () => {
    const s = await fileReport(client(), journal(), { localId: 'ok-1', report: EXAMPLE_REPORT, files: files(2) });
    assert.equal(s.phase, 'finished');
    const r = fake.reports.find((x) => x.reportId === s.reportId)!;
    assert.equal(r.status, 'finished');
    assert.equal(r.files.length, 2);
    assert.match(r.files[0]!.detailsXml!, /<fileViewedByEsp>true<\/fileViewedByEsp>/);
    assert.match(r.files[1]!.detailsXml!, /<fileViewedByEsp>false<\/fileViewedByEsp>/);
    assert.equal((await client().status()).responseCode, 0);
    assert.ok(fake.requests.every((q) => /^[0-9a-f-]{36}$/.test(q.requestId)));
  });

  it('maps refused credentials, NCMEC codes and server errors to NcmecError; retries only what is safe', async () => {
    await assert.rejects(
      client({ password: 'wrong' }).status(),
      (e: NcmecError) => e.o.httpStatus === 401 && !e.retryable,
    );
    fake.failNext('/status', 2);
    assert.equal((await client().status()).responseCode, 0, 'status is retried through two 500s');
    const before = fake.requests.filter((q) => q.path === '/submit').length;
    fake.failNext('/submit', 1);
    await assert.rejects(client().submit(EXAMPLE_REPORT), (e: NcmecError) => e.o.httpStatus === 500 && e.retryable);
    assert.equal(
      fake.requests.filter((q) => q.path === '/submit').length,
      before + 1,
      'submit is never retried by the client',
    );
    await assert.rejects(client().fileinfo({ reportId: 999, fileId: 'nope' }), (e: NcmecError) => e.code === 5001);
    const raw = await fetch(`${fake.url}/submit`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('esp-test:test-secret').toString('base64')}`,
        'content-type': 'text/xml',
      },
      body: '<report><reporter/></report>',
    });
    const answer = parseResponse(await raw.text());
    assert.equal(answer.responseCode, 4100);
    assert.match(answer.responseDescription, /Validation failed: .*incidentSummary/);
  });

  // A lost answer is a delay longer than the client's timeout. The timeout is generous so that the calls that are
  // not delayed answer in time on a loaded CI machine (libxml2 validates every document the fake receives).
  const TIMEOUT = 6000;

  it('a submit whose answer is lost is submitted again; the orphan expires unfiled', async () => {
    const j = journal();
    const count = finished().length;
    fake.delayNext('/submit', 2 * TIMEOUT);
    await assert.rejects(
      fileReport(client({ timeoutMs: TIMEOUT }), j, { localId: 'timeout-1', report: EXAMPLE_REPORT, files: [] }),
      /no answer/,
    );
    await new Promise((r) => setTimeout(r, TIMEOUT + 100));
    const s = await fileReport(client(), j, { localId: 'timeout-1', report: EXAMPLE_REPORT, files: [] });
    assert.equal(s.phase, 'finished');
    const orphan = fake.reports.at(-2)!;
    assert.equal(orphan.status, 'open');
    fake.advance(25 * 3_600_000);
    await client().status(); // any request lets the fake expire open reports
    assert.equal(orphan.status, 'expired');
    assert.equal(finished().length, count + 1, 'exactly one report filed');
    fake.advance(-25 * 3_600_000);
  });

  it('a finish whose answer is lost is sent again and counts "already finished" as done', async () => {
    const finishes = () => fake.requests.filter((q) => q.path === '/finish').length;
    const before = finishes();
    fake.delayNext('/finish', 2 * TIMEOUT);
    const s = await fileReport(client({ timeoutMs: TIMEOUT }), journal(), {
      localId: 'finish-1',
      report: EXAMPLE_REPORT,
      files: files(1),
    });
    assert.equal(s.phase, 'finished');
    await new Promise((r) => setTimeout(r, TIMEOUT + 100)); // let the delayed first answer go out
    assert.equal(finishes() - before, 2, 'the first finish timed out and was sent again');
    assert.equal(fake.reports.filter((r) => r.reportId === s.reportId && r.status === 'finished').length, 1);
  });

  it('an open report abandoned past NCMEC expiry is resubmitted; a report can be retracted before finish', async () => {
    const j = journal();
    fake.failNext('/upload', 1);
    await assert.rejects(fileReport(client(), j, { localId: 'exp-1', report: EXAMPLE_REPORT, files: files(1) }));
    const first = (await j.load('exp-1'))!.reportId!;
    fake.advance(25 * 3_600_000);
    const later = new Date(Date.now() + 25 * 3_600_000);
    const s = await fileReport(client(), j, {
      localId: 'exp-1',
      report: EXAMPLE_REPORT,
      files: files(1),
      now: () => later,
    });
    assert.deepEqual(s.expiredReportIds, [first]);
    assert.notEqual(s.reportId, first);
    assert.equal(fake.reports.find((r) => r.reportId === first)!.status, 'expired');
    fake.advance(-25 * 3_600_000);

    const k = journal();
    fake.failNext('/upload', 1);
    await assert.rejects(fileReport(client(), k, { localId: 'retract-1', report: EXAMPLE_REPORT, files: files(1) }));
    const r = await retractFiling(client(), k, 'retract-1');
    assert.equal(r!.phase, 'retracted');
    assert.equal(fake.reports.find((x) => x.reportId === r!.reportId)!.status, 'retracted');
  });
});
