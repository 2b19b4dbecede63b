// From a review decision to a filed CyberTipline report: the draft holds what the service knows,
// fileViewedByEsp is true only for the file a reviewer actually opened, the legal role sends it, a
// failure mid-filing is resumed from the database journal, and NCMEC (a local fake) sees one report.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { findXsd } from '@vigil/ncmec';
import { startFakeCyberTipline, type FakeCyberTipline } from '@vigil/ncmec/fake';
import { DIALECTS, testApp, staffSession, silentLog, type TestApp, type StaffSession } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { ensureDefaultRules } from '../src/detect/rules-store.ts';
import { addEntries, createBank } from '../src/media/banks.ts';
import { loadConfig } from '../src/config.ts';

const LISTED = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const NEAR = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23';

for (const dialect of DIALECTS) {
  describe(`CyberTipline reports from decisions (${dialect})`, () => {
    let ta: TestApp;
    let fake: FakeCyberTipline;
    let media: Server;
    let reviewer: StaffSession;
    let legal: StaffSession;
    const post = (s: StaffSession, url: string, payload: object = {}) =>
      ta.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload });
    const get = (s: StaffSession, url: string) => ta.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
    const work = async () => {
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
    };

    before(async () => {
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 40, g: 120, b: 200 } } })
        .png()
        .toBuffer();
      media = createServer((req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
      await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
      fake = await startFakeCyberTipline({ username: 'esp-test', password: 'test-secret', xsdPath: findXsd() });
      const defaults = loadConfig({ env: {} });
      ta = await testApp(dialect, {
        media: { ...defaults.media, allowPrivateFetch: true, hashRemote: false },
        ncmec: {
          ...defaults.ncmec,
          baseUrl: fake.url,
          username: 'esp-test',
          password: 'test-secret',
          timeoutMs: 5000,
          reporter: { firstName: 'Trust', lastName: 'Safety', email: 'safety@example.org' },
          platformName: 'Example Messenger',
        },
      });
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      reviewer = await staffSession(ta, 'reviewer');
      legal = await staffSession(ta, 'legal');
      await createBank(ta.ctx.db.kysely, { name: 'KNOWN_TEST', kind: 'block' }, 'test', ta.clock);
      await addEntries(ta.ctx.db.kysely, 'KNOWN_TEST', [{ signal_type: 'pdq', value: LISTED }], 'test', ta.clock);
      const now = ta.clock.now().toISOString();
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'a1',
            type: 'account.created',
            occurred_at: now,
            account: { id: 'acc-r', username: 'example_user', display_name: 'Example', ip: '198.51.100.7' },
          },
          {
            id: 'm1',
            type: 'media.shared',
            occurred_at: now,
            account_id: 'acc-r',
            surface: 'channel',
            media: { id: 'med-1', pdq: LISTED, url: `${base}/IMG_0001.png`, mime: 'image/png' },
          },
          {
            id: 'm2',
            type: 'media.shared',
            occurred_at: now,
            account_id: 'acc-r',
            surface: 'channel',
            media: { id: 'med-2', pdq: NEAR, url: `${base}/IMG_0002.png`, mime: 'image/png' },
          },
        ]),
        ta.clock,
      );
      await work();
    });
    after(async () => {
      await ta.close();
      await fake.close();
      media.close();
    });

    it('a decision drafts a valid report; only the viewed file is marked viewed; reviewers cannot see it', async () => {
      const task = (await get(reviewer, '/v1/tasks?queue=known-media'))
        .json()
        .tasks.find((t: { subject_id: string }) => t.subject_id === 'acc-r');
      assert.ok(task, 'the matches opened a task');
      await post(reviewer, `/v1/tasks/${task.id}/claim`);
      assert.equal((await get(reviewer, `/v1/media/content?kind=media&id=med-1&task_id=${task.id}`)).statusCode, 200);
      const d = await post(reviewer, `/v1/tasks/${task.id}/decision`, {
        decision: 'apparent_csam',
        reason: 'matches known material',
      });
      await work(); // legal's subscriber drafts the report (review/effects.ts)
      assert.equal(d.statusCode, 200, d.body);
      const list = (await get(legal, '/v1/legal/reports')).json().reports;
      assert.equal(list.length, 1);
      assert.deepEqual([list[0].status, list[0].subject.id, list[0].files], ['draft', 'acc-r', 2]);
      const one = (await get(legal, `/v1/legal/reports/${list[0].id}`)).json();
      assert.deepEqual(one.problems, []);
      assert.match(
        one.xml,
        /<espIdentifier>acc-r<\/espIdentifier><espService>Example Messenger<\/espService><screenName>example_user<\/screenName>/,
      );
      assert.match(
        one.xml,
        /<ipCaptureEvent><ipAddress>198\.51\.100\.7<\/ipAddress><eventName>Registration<\/eventName>/,
      );
      const viewed = Object.fromEntries(
        one.draft.files.map((f: { mediaId: string; details: { fileViewedByEsp: boolean } }) => [
          f.mediaId,
          f.details.fileViewedByEsp,
        ]),
      );
      assert.deepEqual(viewed, { 'med-1': true, 'med-2': false });
      assert.equal((await get(reviewer, '/v1/legal/reports')).statusCode, 403);
      assert.equal((await post(reviewer, `/v1/legal/reports/${list[0].id}/send`)).statusCode, 403);
      assert.equal(one.draft.report.incidentType, 'Child Pornography (possession, manufacture, and distribution)');
    });

    it('legal sends it; an upload failure is retried from the journal; NCMEC files exactly one report', async () => {
      const id = (await get(legal, '/v1/legal/reports')).json().reports[0].id;
      fake.failNext('/upload', 1);
      const { draft_sha256 } = (await get(legal, `/v1/legal/reports/${id}`)).json();
      const sent = await post(legal, `/v1/legal/reports/${id}/send`, { draft_sha256 });
      assert.equal(sent.statusCode, 202, sent.body);
      // One pass only: the failed job's retry may be due at once (backoff with full jitter).
      await new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      }).runOnce();
      let r = (await get(legal, `/v1/legal/reports/${id}`)).json();
      assert.equal(r.status, 'queued');
      assert.match(r.error, /upload/);
      assert.equal(r.journal.phase, 'open', 'submitted, not finished');
      ta.clock.advance(60_000); // past the job's backoff
      await work();
      r = (await get(legal, `/v1/legal/reports/${id}`)).json();
      assert.equal(r.status, 'filed', JSON.stringify(r.error));
      assert.equal(fake.reports.length, 1, 'one submit in all');
      const filed = fake.reports[0]!;
      assert.equal(filed.status, 'finished');
      assert.equal(filed.files.length, 2);
      assert.equal(r.ncmec_report_id, filed.reportId);
      assert.equal((await post(legal, `/v1/legal/reports/${id}/send`, { draft_sha256 })).statusCode, 409);
      assert.deepEqual(
        r.file_status.map((f: { state: string; md5_matches: boolean | null }) => [f.state, f.md5_matches]),
        [
          ['described', null],
          ['described', null],
        ],
      );
      const audit = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'like', 'ncmec.report.%')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['ncmec.report.draft', 'ncmec.report.send', 'ncmec.report.filed'],
      );
      const legalTasks = (await get(legal, '/v1/tasks')).json().tasks;
      assert.equal(legalTasks.length, 0, 'the legal task is closed once filed');
    });
  });
}
