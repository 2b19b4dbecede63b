// The law-enforcement ledger (preservation holds and renewal, deadline reminders, non-disclosure,
// production from the vault) and transparency figures counted from the records.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { unzipSync } from 'fflate';
import { DIALECTS, testApp, staffSession, type TestApp, type StaffSession } from './helpers.ts';
import { leHousekeeping } from '../src/legal/le-requests.ts';
import { preserve } from '../src/legal/vault.ts';
import { vaultKeys } from '../src/legal/vault-keys.ts';
import { appendAudit } from '../src/audit/log.ts';
import { computeTransparency } from '../src/legal/transparency.ts';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`law-enforcement ledger and transparency (${dialect})`, () => {
    let ta: TestApp;
    let legal: StaffSession;
    let reviewer: StaffSession;
    const post = (s: StaffSession, url: string, payload: object = {}) =>
      ta.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload });
    const get = (s: StaffSession, url: string) => ta.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
    before(async () => {
      ta = await testApp(dialect);
      legal = await staffSession(ta, 'legal');
      reviewer = await staffSession(ta, 'reviewer');
    });
    after(async () => ta.close());

    it('records a preservation request with 90-day holds, renewable once; reviewers are refused', async () => {
      const now = ta.clock.now();
      const r = await post(legal, '/v1/legal/le-requests', {
        kind: 'preservation',
        agency: 'Example County Sheriff',
        case_number: 'LE-2026-001',
        received_at: now.toISOString(),
        subjects: [{ type: 'account', id: 'acc-le' }],
        nondisclosure_until: new Date(now.getTime() + 180 * DAY).toISOString(),
      });
      assert.equal(r.statusCode, 201, r.body);
      const id = r.json().id;
      const holds = await ta.ctx.db.kysely
        .selectFrom('legal_holds')
        .select('expires_at')
        .where('subject_id', '=', 'acc-le')
        .execute();
      assert.equal(holds.length, 1);
      assert.equal(Math.round((Date.parse(holds[0]!.expires_at) - now.getTime()) / DAY), 90);
      assert.equal((await post(legal, `/v1/legal/le-requests/${id}/renew`)).statusCode, 200);
      assert.equal((await post(legal, `/v1/legal/le-requests/${id}/renew`)).statusCode, 409, 'renewed once only');
      const one = (await get(legal, `/v1/legal/le-requests/${id}`)).json();
      assert.equal(Math.round((Date.parse(one.preservation_until) - now.getTime()) / DAY), 180);
      assert.equal(one.nondisclosure.active, true);
      assert.equal((await get(reviewer, '/v1/legal/le-requests')).statusCode, 403);
      assert.equal((await post(reviewer, '/v1/legal/le-requests', {})).statusCode, 403);
      const producible = (await get(legal, '/v1/legal/le-requests/producible')).json();
      assert.ok(producible.cannot_produce.some((s: string) => /end-to-end-encrypted messages nobody reported/.test(s)));
    });

    it('reminds legal of a deadline three days ahead (once), produces from the vault and records it', async () => {
      const now = ta.clock.now();
      const r = await post(legal, '/v1/legal/le-requests', {
        kind: 'subpoena',
        agency: 'Example District Court',
        case_number: 'SUB-77',
        received_at: now.toISOString(),
        due_at: new Date(now.getTime() + 10 * DAY).toISOString(),
        subjects: [{ type: 'account', id: 'acc-le' }],
      });
      const id = r.json().id;
      assert.deepEqual(await leHousekeeping(ta.ctx.db.kysely, ta.clock), { reminded: 0, expired: 0 });
      ta.clock.advance(8 * DAY);
      assert.equal((await leHousekeeping(ta.ctx.db.kysely, ta.clock)).reminded, 1);
      assert.equal((await leHousekeeping(ta.ctx.db.kysely, ta.clock)).reminded, 0, 'once');
      legal = await staffSession(ta, 'legal');
      reviewer = await staffSession(ta, 'reviewer');
      const tasks = (await get(legal, '/v1/tasks')).json().tasks;
      assert.ok(
        tasks.some(
          (t: { queue: string; ref: { le_request_id: number } }) =>
            t.queue === 'legal-requests' && t.ref.le_request_id === id,
        ),
      );
      assert.ok(
        !(await get(reviewer, '/v1/tasks')).json().tasks.some((t: { queue: string }) => t.queue === 'legal-requests'),
        'reviewers do not see it',
      );
      const itemId = await ta.ctx.db.kysely.transaction().execute((trx) =>
        preserve(
          trx,
          {
            platform: 'default',
            subjectType: 'account',
            subjectId: 'acc-le',
            reportId: null,
            kind: 'metadata',
            label: 'profile.json',
            mime: 'application/json',
            bytes: Buffer.from('{"username":"le_case"}'),
          },
          vaultKeys(ta.ctx.cfg),
          365,
          ta.clock,
        ),
      );
      const p = await post(legal, `/v1/legal/le-requests/${id}/production`, {
        item_ids: [itemId],
        note: 'account records',
      });
      assert.equal(p.statusCode, 200);
      const zip = unzipSync(new Uint8Array(p.rawPayload));
      assert.match(Buffer.from(zip['manifest.json']!).toString(), /subpoena SUB-77 \(Example District Court\)/);
      const after = (await get(legal, `/v1/legal/le-requests/${id}`)).json();
      assert.equal(after.status, 'produced');
      assert.equal(after.productions.length, 1);
      assert.match(after.productions[0].manifest_sha256, /^[0-9a-f]{64}$/);
      // The preservation request of the first test ends after its 180 days.
      ta.clock.advance(200 * DAY);
      assert.equal((await leHousekeeping(ta.ctx.db.kysely, ta.clock)).expired, 1);
    });

    it('counts transparency figures from the records, only within the period', async () => {
      const db = ta.ctx.db.kysely;
      const t0 = new Date('2027-03-01T12:00:00Z');
      const inside = t0.toISOString(),
        outside = '2027-05-01T12:00:00.000Z';
      ta.clock.t = t0;
      for (const decision of ['apparent_csam', 'apparent_csam', 'not_violating'])
        await appendAudit(
          db,
          { actor: 'staff:1', action: 'task.decide', subjectType: 'account', subjectId: 'x', data: { decision } },
          ta.clock,
        );
      const act = (
        subject_type: string,
        subject_id: string,
        action: string,
        created_at: string,
        status = 'active',
        reversed_at: string | null = null,
      ) =>
        db
          .insertInto('enforcement_actions')
          .values({
            platform: 'default',
            subject_type,
            subject_id,
            action,
            params: '{}',
            status: status as 'active',
            reason: 'r',
            task_id: null,
            decided_by: 1,
            approved_by: null,
            created_at,
            expires_at: null,
            reversed_at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
      await act('account', 'a1', 'ban', inside);
      await act('account', 'a1', 'remove_photo', inside);
      await act('group', 'g1', 'takedown_group', inside, 'reversed', inside);
      await act('account', 'a9', 'ban', outside);
      const a = await act('account', 'a2', 'suspend', inside);
      await db
        .insertInto('appeals')
        .values({
          action_id: Number(a.id),
          platform: 'default',
          statement: 's',
          status: 'upheld',
          task_id: null,
          decided_by: 1,
          reason: 'r',
          created_at: inside,
          decided_at: inside,
        })
        .execute();
      for (const [bank, at] of [
        ['CONFIRMED', inside],
        ['CONFIRMED', inside],
        ['NCMEC', inside],
        ['NCMEC', outside],
      ]) {
        await db
          .insertInto('signals')
          .values({
            platform: 'default',
            subject_type: 'account',
            subject_id: 'a1',
            kind: 'media.match',
            severity: 4,
            summary: 's',
            evidence: JSON.stringify({ bank }),
            event_id: null,
            dedupe_key: `k-${Math.random()}`,
            created_at: at!,
          } as never)
          .execute();
      }
      await db
        .insertInto('user_reports')
        .values({
          platform: 'default',
          id: 'ur-1',
          reporter_id: 'u',
          subject_type: 'account',
          subject_id: 'a1',
          reason: null,
          payload: '{}',
          filed_at: inside,
        })
        .execute();
      await db
        .insertInto('ncmec_reports')
        .values({
          platform: 'default',
          subject_type: 'account',
          subject_id: 'a1',
          decision_task_id: null,
          legal_task_id: null,
          status: 'filed',
          draft: JSON.stringify({ report: { incidentType: 'Child Sex Tourism' }, files: [] }),
          journal: null,
          ncmec_report_id: 5,
          error: null,
          sent_by: 'staff:1',
          created_at: inside,
          updated_at: inside,
          filed_at: inside,
        })
        .execute();
      const t = await computeTransparency(db, '2027-03-01', '2027-03-31');
      assert.deepEqual(t.decisions_by_outcome, { apparent_csam: 2, not_violating: 1 });
      assert.deepEqual(t.actions_by_type, { ban: 1, remove_photo: 1, takedown_group: 1, suspend: 1 });
      assert.deepEqual(t.subjects_actioned, { accounts: 2, groups: 1 });
      assert.deepEqual(t.hash_matches_by_bank, { CONFIRMED: 2, NCMEC: 1 });
      assert.deepEqual(t.appeals, { filed: 1, upheld: 1, reversed: 0, pending: 0 });
      assert.equal(t.reversals, 1);
      assert.equal(t.user_reports.received, 1);
      assert.deepEqual(t.cybertipline_reports_by_incident_type, { 'Child Sex Tourism': 1 });
      const lead = await staffSession(ta, 'lead');
      reviewer = await staffSession(ta, 'reviewer'); // the clock moved past the old session
      const csv = await get(lead, '/v1/legal/transparency?from=2027-03-01&to=2027-03-31&format=csv');
      assert.match(csv.body, /^section,key,value\n/);
      assert.match(csv.body, /hash_matches_by_bank,CONFIRMED,2\n/);
      const html = await get(lead, '/v1/legal/transparency?from=2027-03-01&to=2027-03-31&format=html');
      assert.match(html.headers['content-type'] as string, /text\/html/);
      assert.match(html.body, /<svg role="img" aria-label="Hash matches, by bank"/);
      assert.equal((await get(lead, '/v1/legal/transparency?from=2027-03-31&to=2027-03-01')).statusCode, 400);
      assert.equal((await get(reviewer, '/v1/legal/transparency?from=2027-03-01&to=2027-03-31')).statusCode, 403);
    });
  });
}
