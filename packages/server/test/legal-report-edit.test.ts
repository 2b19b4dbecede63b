// Legal's work on a drafted CyberTipline report, through the API: a group's apparent-CSAM decision drafts the
// CSAM incident type (no files needed), edits are validated against NCMEC's schema with problems at their fields
// (an edit that adds one is not saved), the audit log keeps each changed field before and after, the incident
// type changes only with a reason, sending confirms one version, retraction needs a reason; holds, the vault
// list and the request ledger answer what the console shows. Reviewers are refused; auditors read only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { findXsd } from '@vigil/ncmec';
import { startFakeCyberTipline, type FakeCyberTipline } from '@vigil/ncmec/fake';
import { DIALECTS, testApp, staffSession, silentLog, drainJobs, type TestApp, type StaffSession } from './helpers.ts';
import { attachToCase } from '../src/review/task-store.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { loadConfig } from '../src/config.ts';

const CSAM = 'Child Pornography (possession, manufacture, and distribution)';
const ENTICEMENT = 'Online Enticement of Children for Sexual Acts';

for (const dialect of DIALECTS) {
  describe(`editing, sending and retracting CyberTipline drafts (${dialect})`, () => {
    let ta: TestApp;
    let fake: FakeCyberTipline;
    let reviewer: StaffSession;
    let legal: StaffSession;
    let auditor: StaffSession;
    let reportId = 0;
    const call = (s: StaffSession, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      ta.app.inject({
        method,
        url,
        headers: { cookie: s.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': s.csrf }) },
        ...(payload ? { payload } : {}),
      });
    const get = (s: StaffSession, url: string) => call(s, 'GET', url);
    const report = async () => (await get(legal, `/v1/legal/reports/${reportId}`)).json();
    const audit = (action: string) =>
      ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select(['action', 'reason', 'data'])
        .where('action', '=', action)
        .orderBy('seq')
        .execute();

    before(async () => {
      fake = await startFakeCyberTipline({ username: 'esp', password: 'pw', xsdPath: findXsd() });
      const d = loadConfig({ env: {} });
      ta = await testApp(dialect, {
        ncmec: {
          ...d.ncmec,
          baseUrl: fake.url,
          username: 'esp',
          password: 'pw',
          timeoutMs: 5000,
          platformName: 'Example Messenger',
        },
      });
      reviewer = await staffSession(ta, 'reviewer');
      legal = await staffSession(ta, 'legal');
      auditor = await staffSession(ta, 'auditor');
      const db = ta.ctx.db.kysely;
      const now = ta.clock.now().toISOString();
      await db
        .insertInto('groups')
        .values({
          platform: 'default',
          id: 'grp-x',
          name: 'Trading room',
          description: null,
          avatar: null,
          member_count: 2,
          invite_link: null,
          created_at: now,
          first_seen_at: now,
          updated_at: now,
          event_count: 1,
        })
        .execute();
      const c = await db.transaction().execute((trx) =>
        attachToCase(
          trx,
          {
            platform: 'default',
            subjectType: 'group',
            subjectId: 'grp-x',
            queue: 'groups',
            priority: 80,
            reason: 'coded terms in the group name',
          },
          ta.clock,
        ),
      );
      assert.equal((await call(reviewer, 'POST', `/v1/cases/${c.caseId}/claim`)).statusCode, 200);
      const dec = await call(reviewer, 'POST', `/v1/cases/${c.caseId}/decision`, {
        decision: 'apparent_csam',
        reason: 'the group trades abuse material',
        actions: [],
      });
      assert.equal(dec.statusCode, 200, dec.body);
      await drainJobs(ta); // legal's subscriber drafts the report (review/effects.ts)
      reportId = (await get(legal, '/v1/legal/reports')).json().reports[0].id;
    });
    after(async () => {
      await ta?.close();
      await fake?.close();
    });

    it('a group with no files is drafted as CSAM, valid, linked to its case', async () => {
      const r = await report();
      assert.equal(r.incident_type, CSAM);
      assert.equal(r.draft.files.length, 0);
      assert.deepEqual(r.field_problems, []);
      assert.ok(r.case_id > 0);
      assert.match(r.draft_sha256, /^[0-9a-f]{64}$/);
      const drafted = await audit('ncmec.report.draft');
      assert.equal((drafted[0]!.data as unknown as string).includes(CSAM), true);
    });

    it('saves a valid edit with a before/after per field; refuses an invalid one at its field and saves nothing', async () => {
      const before = await report();
      const users = [
        {
          ...before.draft.report.reportedUsers[0],
          screenName: 'trading_room_admin',
          ipCaptureEvents: [{ ipAddress: '203.0.113.5', eventName: 'Login', dateTime: '2026-11-02T10:00:00Z' }],
        },
      ];
      const ok = await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, {
        reportedUsers: users,
        additionalInfo: 'Group reviewed by two people.',
      });
      assert.equal(ok.statusCode, 200, ok.body);
      const edits = await audit('ncmec.report.edit');
      const changes = JSON.parse(edits[0]!.data as unknown as string).changes as {
        field: string;
        before: unknown;
        after: unknown;
      }[];
      const byField = Object.fromEntries(changes.map((c) => [c.field, [c.before, c.after]]));
      assert.deepEqual(byField['reportedUsers.0.screenName'], [null, 'trading_room_admin']);
      assert.deepEqual(byField['reportedUsers.0.ipCaptureEvents.0.ipAddress'], [null, '203.0.113.5']);
      assert.deepEqual(byField.additionalInfo, [before.draft.report.additionalInfo, 'Group reviewed by two people.']);

      const saved = await report();
      const bad = await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, {
        incident: { incidentDateTime: '2026-02-30 at noon' },
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'invalid_report');
      assert.deepEqual(
        bad.json().error.details.map((p: { path: string }) => p.path),
        ['incident.incidentDateTime'],
      );
      const nested = await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, {
        reportedUsers: [{ ...users[0], ipCaptureEvents: [{ ipAddress: '203.0.113.5', dateTime: 'last week' }] }],
      });
      assert.equal(nested.statusCode, 400);
      assert.deepEqual(
        nested.json().error.details.map((p: { path: string }) => p.path),
        ['reportedUsers.0.ipCaptureEvents.0.dateTime'],
      );
      assert.equal((await report()).draft_sha256, saved.draft_sha256, 'nothing saved');
      assert.equal((await audit('ncmec.report.edit')).length, 1);

      // What the records prove stays as derived: a file's "viewed by staff" cannot be set by an edit.
      const forged = await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, {
        files: [{ mediaId: 'm', details: { fileViewedByEsp: true } }],
      });
      assert.equal(forged.statusCode, 400);
      assert.equal(forged.json().error.code, 'invalid_request');
    });

    it('changes the incident type only with a reason, audited as a retype', async () => {
      const none = await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, {
        incident: { incidentType: ENTICEMENT },
      });
      assert.equal(none.statusCode, 400);
      assert.deepEqual(none.json().error.details, [
        { path: 'reason', message: 'give a reason for changing the incident type' },
      ]);
      const ok = await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, {
        incident: { incidentType: ENTICEMENT },
        reason: 'checking the type can change',
      });
      assert.equal(ok.statusCode, 200, ok.body);
      const back = await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, {
        incident: { incidentType: CSAM },
        reason: 'the material itself is what is reported',
      });
      assert.equal(back.statusCode, 200);
      const retypes = await audit('ncmec.report.retype');
      assert.deepEqual(
        retypes.map((r) => r.reason),
        ['checking the type can change', 'the material itself is what is reported'],
      );
      assert.deepEqual(JSON.parse(retypes[0]!.data as unknown as string).changes, [
        { field: 'incident.incidentType', before: CSAM, after: ENTICEMENT },
      ]);
    });

    it('reviewers are refused everything; auditors read but change nothing', async () => {
      for (const [m, url] of [
        ['GET', '/v1/legal/reports'],
        ['GET', `/v1/legal/reports/${reportId}`],
        ['PATCH', `/v1/legal/reports/${reportId}`],
        ['POST', `/v1/legal/reports/${reportId}/send`],
        ['POST', `/v1/legal/reports/${reportId}/retract`],
        ['GET', '/v1/legal/holds'],
        ['POST', '/v1/legal/holds'],
        ['POST', '/v1/legal/holds/1/release'],
      ] as const) {
        assert.equal((await call(reviewer, m, url, m === 'GET' ? undefined : {})).statusCode, 403, `${m} ${url}`);
      }
      assert.equal((await get(auditor, `/v1/legal/reports/${reportId}`)).statusCode, 200);
      assert.equal((await get(auditor, '/v1/legal/holds')).statusCode, 200);
      for (const [m, url] of [
        ['PATCH', `/v1/legal/reports/${reportId}`],
        ['POST', `/v1/legal/reports/${reportId}/send`],
        ['POST', `/v1/legal/reports/${reportId}/retract`],
        ['POST', '/v1/legal/holds'],
      ] as const) {
        assert.equal((await call(auditor, m, url, {})).statusCode, 403, `${m} ${url}`);
      }
    });

    it('refuses to send a draft that does not validate (problems at their fields); legal fixes it one field at a time', async () => {
      // A draft written before validation existed: its time is not a schema date-time.
      const db = ta.ctx.db.kysely;
      const row = await db
        .selectFrom('ncmec_reports')
        .select('draft')
        .where('id', '=', reportId)
        .executeTakeFirstOrThrow();
      const good = JSON.parse(row.draft);
      await db
        .updateTable('ncmec_reports')
        .set({ draft: JSON.stringify({ ...good, report: { ...good.report, incidentDateTime: 'last Tuesday' } }) })
        .where('id', '=', reportId)
        .execute();
      const bad = await report();
      assert.deepEqual(
        bad.field_problems.map((p: { path: string }) => p.path),
        ['incident.incidentDateTime'],
      );
      const refused = await call(legal, 'POST', `/v1/legal/reports/${reportId}/send`, {
        draft_sha256: bad.draft_sha256,
      });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().error.code, 'invalid_report');
      assert.deepEqual(
        refused.json().error.details.map((p: { path: string }) => p.path),
        ['incident.incidentDateTime'],
      );
      // Another field can still be saved while this one is wrong (the edit adds no problem)…
      assert.equal(
        (
          await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, {
            additionalInfo: 'Group reviewed by two people.',
          })
        ).statusCode,
        200,
      );
      // …and fixing it clears the refusal.
      const fixed = await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, {
        incident: { incidentDateTime: good.report.incidentDateTime },
      });
      assert.deepEqual(fixed.json().problems, []);
    });

    it('sends only the version confirmed; files it; shows the NCMEC report id', async () => {
      const r = await report();
      const stale = await call(legal, 'POST', `/v1/legal/reports/${reportId}/send`, { draft_sha256: 'a'.repeat(64) });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().error.code, 'draft_changed');
      assert.equal((await call(legal, 'POST', `/v1/legal/reports/${reportId}/send`, {})).statusCode, 400);
      assert.equal(
        (await call(legal, 'POST', `/v1/legal/reports/${reportId}/send`, { draft_sha256: r.draft_sha256 })).statusCode,
        202,
      );
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
      const filed = await report();
      assert.equal(filed.status, 'filed');
      assert.equal(filed.ncmec_report_id, fake.reports[0]!.reportId);
      assert.match(fake.reports[0]!.xml, /<screenName>trading_room_admin<\/screenName>/);
      assert.equal(
        (await call(legal, 'PATCH', `/v1/legal/reports/${reportId}`, { additionalInfo: 'late' })).statusCode,
        409,
      );
      const retract = await call(legal, 'POST', `/v1/legal/reports/${reportId}/retract`, { reason: 'too late' });
      assert.equal(retract.statusCode, 409, 'a filed report cannot be retracted');
    });

    it('retracts a draft with a reason; a queued report retracted before filing is never filed', async () => {
      const db = ta.ctx.db.kysely;
      const now = ta.clock.now().toISOString();
      for (const id of ['grp-y', 'grp-z']) {
        await db
          .insertInto('groups')
          .values({
            platform: 'default',
            id,
            name: `Room ${id}`,
            description: null,
            avatar: null,
            member_count: 1,
            invite_link: null,
            created_at: now,
            first_seen_at: now,
            updated_at: now,
            event_count: 1,
          })
          .execute();
        const c = await db.transaction().execute((trx) =>
          attachToCase(
            trx,
            {
              platform: 'default',
              subjectType: 'group',
              subjectId: id,
              queue: 'groups',
              priority: 80,
              reason: 'coded terms',
            },
            ta.clock,
          ),
        );
        await call(reviewer, 'POST', `/v1/cases/${c.caseId}/claim`);
        assert.equal(
          (
            await call(reviewer, 'POST', `/v1/cases/${c.caseId}/decision`, {
              decision: 'apparent_csam',
              reason: 'abuse material',
              actions: [],
            })
          ).statusCode,
          200,
        );
        await drainJobs(ta);
      }
      const list = (await get(legal, '/v1/legal/reports?status=draft&limit=1')).json();
      assert.equal(list.total, 2);
      assert.equal(list.reports.length, 1, 'paged');
      const [queued, draft] = (await get(legal, '/v1/legal/reports?status=draft'))
        .json()
        .reports.map((r: { id: number }) => r.id);
      assert.equal(
        (await call(legal, 'POST', `/v1/legal/reports/${draft}/retract`, {})).statusCode,
        400,
        'a reason is required',
      );
      assert.equal(
        (await call(legal, 'POST', `/v1/legal/reports/${draft}/retract`, { reason: 'duplicate of an earlier report' }))
          .statusCode,
        200,
      );
      const sha = (await get(legal, `/v1/legal/reports/${queued}`)).json().draft_sha256;
      assert.equal(
        (await call(legal, 'POST', `/v1/legal/reports/${queued}/send`, { draft_sha256: sha })).statusCode,
        202,
      );
      assert.equal(
        (await call(legal, 'POST', `/v1/legal/reports/${queued}/retract`, { reason: 'sent by mistake' })).statusCode,
        200,
      );
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
      assert.equal((await get(legal, `/v1/legal/reports/${queued}`)).json().status, 'retracted');
      assert.equal(fake.reports.length, 1, 'only the first report reached NCMEC');
      assert.deepEqual(
        (await audit('ncmec.report.retract')).map((a) => a.reason),
        ['duplicate of an earlier report', 'sent by mistake'],
      );
    });

    it('drafts another incident type only when the decision names it', async () => {
      const db = ta.ctx.db.kysely;
      const now = ta.clock.now().toISOString();
      await db
        .insertInto('accounts')
        .values({
          platform: 'default',
          id: 'acc-groom',
          username: 'friendly_coach',
          display_name: null,
          bio: null,
          avatar: null,
          created_at: now,
          first_seen_at: now,
          updated_at: now,
          event_count: 1,
        })
        .execute();
      const c = await db.transaction().execute((trx) =>
        attachToCase(
          trx,
          {
            platform: 'default',
            subjectType: 'account',
            subjectId: 'acc-groom',
            queue: 'user-reports',
            priority: 80,
            reason: 'user report: child safety',
          },
          ta.clock,
        ),
      );
      await call(reviewer, 'POST', `/v1/cases/${c.caseId}/claim`);
      const d = await call(reviewer, 'POST', `/v1/cases/${c.caseId}/decision`, {
        decision: 'apparent_csam',
        reason: 'asked a child for images',
        actions: [],
        incident_type: ENTICEMENT,
      });
      assert.equal(d.statusCode, 200, d.body);
      await drainJobs(ta);
      const r = (await get(legal, '/v1/legal/reports'))
        .json()
        .reports.find((x: { subject: { id: string } }) => x.subject.id === 'acc-groom');
      assert.equal(r.incident_type, ENTICEMENT);
    });

    it('places and releases holds with reasons; the vault and ledger lists page and mark deadlines', async () => {
      const placed = await call(legal, 'POST', '/v1/legal/holds', {
        subject: { type: 'account', id: 'acc-h' },
        days: 10,
        reason: 'asked by counsel',
      });
      assert.equal(placed.statusCode, 201, placed.body);
      assert.equal(
        (
          await call(legal, 'POST', '/v1/legal/holds', {
            subject: { type: 'account', id: 'acc-h' },
            days: 10,
            reason: '',
          })
        ).statusCode,
        400,
      );
      const active = (await get(legal, '/v1/legal/holds?subject_id=acc-h')).json();
      assert.deepEqual(
        active.holds.map((h: { reason: string; active: boolean }) => [h.reason, h.active]),
        [['asked by counsel', true]],
      );
      const id = placed.json().id;
      assert.equal(
        (await call(legal, 'POST', `/v1/legal/holds/${id}/release`, { reason: 'counsel withdrew the request' }))
          .statusCode,
        200,
      );
      assert.equal((await call(legal, 'POST', `/v1/legal/holds/${id}/release`, { reason: 'again' })).statusCode, 409);
      assert.equal((await get(legal, '/v1/legal/holds?subject_id=acc-h')).json().total, 0);
      assert.equal((await get(legal, '/v1/legal/holds?subject_id=acc-h&state=ended')).json().holds[0].active, false);
      assert.deepEqual(
        (await audit('legal.hold.release')).map((a) => a.reason),
        ['counsel withdrew the request'],
      );

      const vault = (await get(legal, '/v1/legal/vault?limit=2')).json();
      assert.ok(vault.total >= 1);
      assert.ok(vault.items.length <= 2);
      assert.ok(
        vault.items.every(
          (i: { kept_until: string; case_id: number | null }) => i.kept_until && i.case_id !== undefined,
        ),
      );

      const now = ta.clock.now().getTime();
      const mk = (n: string, dueDays: number) =>
        call(legal, 'POST', '/v1/legal/le-requests', {
          kind: 'subpoena',
          agency: 'Example Court',
          case_number: n,
          received_at: new Date(now).toISOString(),
          due_at: new Date(now + dueDays * 86_400_000).toISOString(),
          subjects: [{ type: 'account', id: 'acc-h' }],
        });
      await mk('SOON-1', 1);
      await mk('LATER-1', 20);
      await mk('LATE-1', -1);
      const ledger = (await get(legal, '/v1/legal/le-requests?limit=1')).json();
      assert.equal(ledger.total, 3);
      assert.equal(ledger.requests.length, 1);
      const states = Object.fromEntries(
        (await get(legal, '/v1/legal/le-requests'))
          .json()
          .requests.map((r: { case_number: string; due_state: string | null }) => [r.case_number, r.due_state]),
      );
      assert.deepEqual(states, { 'SOON-1': 'due_soon', 'LATER-1': null, 'LATE-1': 'overdue' });
      assert.deepEqual(
        (await get(legal, '/v1/legal/le-requests?q=SOON'))
          .json()
          .requests.map((r: { case_number: string }) => r.case_number),
        ['SOON-1'],
      );
    });
  });
}
