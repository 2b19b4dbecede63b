// The oversight screens in Chromium against a real server, on both storage dialects: the audit log (a few
// hundred entries searched by actor, action, subject and time, paged, details in a dialog, the chain verified
// and then broken), the auditor's read-only visit to the queue and a case (each read audited), the leads' team
// dashboard (charts and the same numbers in tables) and the transparency figures (members banned with their
// group counted, CSV download). Each role sees what the server lets it see; the server refuses the rest.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { axe, ensureConsoleBuilt, heading, launch, shot, signedIn, checkPhoneWidth } from './browser.ts';
import { DIALECTS, testApp, type TestApp } from '../../server/test/helpers.ts';
import { createStaff } from '../../server/src/auth/staff.ts';
import { appendAudit } from '../../server/src/audit/log.ts';
import { attachToCase } from '../../server/src/review/task-store.ts';
import { claimCase, decideCase } from '../../server/src/review/cases.ts';
import { fileAppeal } from '../../server/src/review/enforcement.ts';
import { recordReveal } from '../../server/src/review/exposure.ts';
import { loadConfig } from '../../server/src/config.ts';

const PW = 'oversight test password 1';
const WIDE = { width: 1440, height: 900 };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEEDED_AUDIT = 360;

for (const dialect of DIALECTS)
  describe(`oversight screens in Chromium (${dialect})`, () => {
    let ta: TestApp;
    let browser: Browser;
    let base = '';
    const ids: Record<string, number> = {};
    const db = () => ta.ctx.db.kysely;

    const as = (username: string, path: string) => signedIn(browser, base, WIDE, username, PW, path);
    const phone = (page: Page, name: string) => checkPhoneWidth(page, name, WIDE);
    /** A request from the signed-in page itself (its cookie and CSRF token): what does the server allow? */
    const call = (page: Page, method: string, url: string, body?: unknown) =>
      page.evaluate(
        async ([m, u, b]) => {
          const s = await (await fetch('/v1/session')).json();
          const r = await fetch(u as string, {
            method: m as string,
            headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf_token },
            body: b === undefined ? undefined : JSON.stringify(b),
          });
          return r.status;
        },
        [method, url, body] as const,
      );
    /** What Tab reaches, in order, from the top of the page (keyboard-only use). */
    async function tabStops(page: Page, max = 80): Promise<string[]> {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const out: string[] = [];
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        out.push(
          await page.evaluate(() => {
            const e = document.activeElement as HTMLElement | null;
            if (!e) return '';
            const control = e as HTMLInputElement;
            const label =
              e.getAttribute('aria-label') ??
              (control.labels?.[0] ? control.labels[0].firstChild?.textContent : null) ??
              e.textContent ??
              '';
            return `${e.tagName.toLowerCase()}:${label.trim().slice(0, 40)}`;
          }),
        );
      }
      return out;
    }
    const navLabels = (page: Page) => page.locator('header nav a').allInnerTexts();
    const subnav = (page: Page) => page.locator('nav.subnav a').allInnerTexts();

    before(async () => {
      ensureConsoleBuilt();
      const d = loadConfig({ env: {} });
      ta = await testApp(dialect, { login: { ...d.login, perIpPerWindow: 10_000 } });
      const k = db();
      for (const [username, role] of [
        ['ada', 'admin'],
        ['lou', 'lead'],
        ['rita', 'reviewer'],
        ['sam', 'reviewer'],
        ['aud', 'auditor'],
        ['lena', 'legal'],
      ] as const) {
        ids[username] = (await createStaff(k, { username, role, password: PW }, 'test', ta.clock)).id;
      }
      const now = ta.clock.now();
      const at = (ms: number) => {
        ta.clock.t = new Date(now.getTime() - ms);
      };
      // Open work of every age in four queues (generated subjects, attached through the entry point detection uses).
      const queues = ['accounts', 'user-reports', 'groups', 'known-media'];
      for (let i = 0; i < 120; i++) {
        at([20 * 60_000, 5 * HOUR, 2 * DAY, 5 * DAY, 12 * DAY][i % 5]!);
        await k.transaction().execute((trx) =>
          attachToCase(
            trx,
            {
              platform: 'default',
              subjectType: 'account',
              subjectId: `open-${i}`,
              queue: queues[i % 4]!,
              priority: 20 + (i % 50),
              reason: 'coded terms on a profile',
            },
            ta.clock,
          ),
        );
      }
      // Decisions over the last two weeks: each case queued some hours before it was decided.
      for (let i = 0; i < 42; i++) {
        const dayAgo = i % 14;
        at(dayAgo * DAY + 6 * HOUR);
        const c = await k.transaction().execute((trx) =>
          attachToCase(
            trx,
            {
              platform: 'default',
              subjectType: 'account',
              subjectId: `done-${i}`,
              queue: i % 3 ? 'accounts' : 'user-reports',
              priority: 30,
              reason: 'reported',
            },
            ta.clock,
          ),
        );
        at(dayAgo * DAY + 6 * HOUR - (1 + (i % 5)) * HOUR);
        const who = i % 2 ? ids.rita! : ids.sam!;
        await claimCase(k, c.caseId!, who, ta.clock);
        await decideCase(
          k,
          c.caseId!,
          who,
          {
            decision: i % 4 === 0 ? 'policy_violation' : 'not_violating',
            reason: 'checked',
            ...(i % 4 === 0 ? { actions: [{ action: 'suspend', days: 7 }] } : {}),
          } as never,
          ta.clock,
          'reviewer',
        );
      }
      // A group whose every member is banned, approved by a second person; one member appeals.
      at(2 * HOUR);
      const now2 = ta.clock.now().toISOString();
      await k
        .insertInto('groups')
        .values({
          platform: 'default',
          id: 'grp-hikers',
          name: 'Weekend hikers',
          description: null,
          avatar: null,
          member_count: 4,
          invite_link: null,
          created_at: now2,
          first_seen_at: now2,
          updated_at: now2,
          event_count: 1,
        })
        .execute();
      const members = ['gm-1', 'gm-2', 'gm-3', 'gm-4'];
      for (const m of members)
        await k
          .insertInto('group_members')
          .values({
            platform: 'default',
            group_id: 'grp-hikers',
            account_id: m,
            joined_at: now2,
            left_at: null,
            via_invite: null,
          })
          .execute();
      const g = await k.transaction().execute((trx) =>
        attachToCase(
          trx,
          {
            platform: 'default',
            subjectType: 'group',
            subjectId: 'grp-hikers',
            queue: 'groups',
            priority: 80,
            reason: 'organised abuse',
          },
          ta.clock,
        ),
      );
      await claimCase(k, g.caseId!, ids.rita!, ta.clock);
      await decideCase(
        k,
        g.caseId!,
        ids.rita!,
        {
          decision: 'policy_violation',
          reason: 'organised abuse',
          actions: [{ action: 'ban_members', member_ids: members }, { action: 'takedown_group' }],
        } as never,
        ta.clock,
        'reviewer',
      );
      await claimCase(k, g.caseId!, ids.lou!, ta.clock);
      await decideCase(k, g.caseId!, ids.lou!, { decision: 'approve', reason: 'agreed' } as never, ta.clock, 'lead');
      const memberBan = await k
        .selectFrom('enforcement_actions')
        .select('id')
        .where('subject_id', '=', 'gm-2')
        .executeTakeFirstOrThrow();
      await fileAppeal(k, 'default', Number(memberBan.id), 'I only joined to hike', ta.clock);
      ta.clock.t = now;
      for (let i = 0; i < 7; i++) await recordReveal(k, ids.rita!, ta.ctx.cfg, ta.clock);
      // A few hundred audit entries of the kinds a service writes, over the last weeks.
      const actions = ['evidence.view', 'case.claim', 'staff.login', 'api_key.create', 'rule.save'];
      for (let i = 0; i < SEEDED_AUDIT; i++) {
        at((SEEDED_AUDIT - i) * 2 * HOUR);
        const actor = [`staff:${ids.rita}`, `staff:${ids.sam}`, `staff:${ids.ada}`, 'system'][i % 4]!;
        await appendAudit(
          k,
          {
            actor,
            action: actions[i % 5]!,
            subjectType: i % 5 === 0 ? 'media' : 'account',
            subjectId: `subject-${i % 30}`,
            reason: i % 7 === 0 ? 'routine check' : null,
            data: { n: i, note: `seeded entry ${i}` },
          },
          ta.clock,
        );
      }
      ta.clock.t = now;
      base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      await ta?.close();
    });

    it('auditor: lands on the audit log, searches and pages it, opens an entry by keyboard; invalid searches are refused at the field', async () => {
      const headSeq = async () =>
        Number((await db().selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
      const before = await headSeq();
      const { ctx, page } = await as('aud', '/');
      try {
        await page.waitForURL(/\/console\/admin\/audit$/);
        assert.equal(await heading(page), 'Audit log');
        assert.equal(await page.title(), 'Audit log · Vigil');
        const nav = await navLabels(page);
        assert.ok(
          nav.includes('Review queue') && nav.includes('Admin') && !nav.includes('Team'),
          `auditor nav: ${nav}`,
        );
        const sub = await subnav(page);
        assert.ok(sub.includes('Audit log') && sub.includes('Transparency'), `auditor admin pages: ${sub}`);
        await page.locator('.chain-ok', { hasText: 'Verified up to entry' }).waitFor();
        const verified = Number(
          /Verified up to entry ([\d,]+)/.exec(await page.locator('.chain').innerText())![1]!.replace(/,/g, ''),
        );
        // Through the last entry when the check ran (signing in and the auditor's own reads add entries as it runs).
        assert.ok(
          verified > before && verified <= (await headSeq()),
          `verified ${verified}, head before sign-in ${before}`,
        );
        assert.equal(await page.locator('table.audit-table tbody tr').count(), 50);
        await axe(page, 'audit log');
        await shot(page, 'oversight-audit-1440');
        await phone(page, 'oversight-audit');

        // Search by username and a prefix of actions, within a date range: the URL keeps the filters.
        await page.getByLabel('Actor').fill('rita');
        await page.getByLabel('Action').fill('evidence.');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.waitForURL(/actor=rita&action=evidence\./);
        await page.locator('p.count', { hasText: '(filtered)' }).waitFor();
        const rows = page.locator('table.audit-table tbody tr');
        const expected = (
          await db()
            .selectFrom('audit_log')
            .select('seq')
            .where('actor', '=', `staff:${ids.rita}`)
            .where('action', 'like', 'evidence.%')
            .execute()
        ).length;
        assert.ok(expected > 0);
        assert.equal(await rows.count(), Math.min(50, expected));
        for (const t of await rows.allInnerTexts()) assert.match(t, /rita\s+evidence\.view/);

        // Time range (dates, UTC) and subject.
        const from = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10),
          to = new Date(Date.now() - 5 * DAY).toISOString().slice(0, 10);
        await page.getByRole('button', { name: 'Clear filters' }).click();
        await page.waitForURL(/\/admin\/audit$/);
        await page.getByLabel('Subject type').fill('account');
        await page.getByLabel('Subject id').fill('subject-7');
        await page.getByLabel('From (UTC)').fill(from);
        await page.getByLabel('To (UTC, included)').fill(to);
        await page.getByRole('button', { name: 'Search' }).click();
        await page.waitForURL(/subject_id=subject-7/);
        await page.locator('p.count', { hasText: '(filtered)' }).waitFor();
        const end = new Date(to);
        end.setUTCDate(end.getUTCDate() + 1);
        const inRange = await db()
          .selectFrom('audit_log')
          .select('seq')
          .where('subject_type', '=', 'account')
          .where('subject_id', '=', 'subject-7')
          .where('at', '>=', new Date(from).toISOString())
          .where('at', '<', end.toISOString())
          .execute();
        assert.ok(inRange.length > 0);
        assert.equal(await rows.count(), inRange.length);

        // Paging over everything: Next, Next, Previous, with no entry twice.
        await page.getByRole('button', { name: 'Clear filters' }).click();
        await page.waitForURL(/\/admin\/audit$/);
        await page.locator('table.audit-table tbody tr').first().waitFor();
        const firstSeq = async () => Number(await rows.first().locator('td').first().innerText());
        const p1 = await firstSeq();
        await page.getByRole('button', { name: 'Next' }).click();
        await page.waitForURL(/before=/);
        await page.locator('.pager', { hasText: 'Page 2' }).waitFor();
        const p2 = await firstSeq();
        assert.equal(p2, p1 - 50);
        await page.getByRole('button', { name: 'Next' }).click();
        await page.locator('.pager', { hasText: 'Page 3' }).waitFor();
        assert.equal(await firstSeq(), p1 - 100);
        await page.getByRole('button', { name: 'Previous' }).click();
        await page.locator('.pager', { hasText: 'Page 2' }).waitFor();
        assert.equal(await firstSeq(), p2);
        await page.goBack();
        await page.locator('.pager', { hasText: /Page/ }).waitFor();

        const stops = await tabStops(page, 30);
        for (const want of [
          'input:Actor',
          'input:To (UTC, included)',
          'button:Search',
          'button:Clear filters',
          'button:Details of entry',
        ]) {
          assert.ok(
            stops.some((t) => t.startsWith(want)),
            `Tab reaches ${want}: ${stops}`,
          );
        }
        // An entry's details, by keyboard: the dialog takes focus, Escape closes it and focus comes back.
        const detail = rows.first().getByRole('button', { name: /Details of entry/ });
        await detail.focus();
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: /Audit entry \d+/ });
        await dialog.waitFor();
        assert.match(await dialog.innerText(), /Previous hash/);
        assert.match(await dialog.locator('pre.entry-data').innerText(), /"/);
        await axe(page, 'audit entry dialog');
        await shot(page, 'oversight-audit-entry-1440');
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        assert.match(
          await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? ''),
          /Details of entry/,
        );

        // Invalid input: an end before the start is refused at the field; a typed URL with a bad date is refused by the server there too.
        await page.getByLabel('From (UTC)').fill('2026-05-10');
        await page.getByLabel('To (UTC, included)').fill('2026-05-01');
        await page.getByRole('button', { name: 'Search' }).click();
        const toField = page.getByLabel('To (UTC, included)');
        assert.equal(await toField.getAttribute('aria-invalid'), 'true');
        assert.match(
          await page.locator(`[id="${await toField.getAttribute('aria-describedby')}"]`).innerText(),
          /before its start/,
        );
        await page.goto(`${base}/console/admin/audit?from=someday`);
        const fromField = page.getByLabel('From (UTC)');
        await page.locator('.field.invalid').first().waitFor();
        assert.equal(await fromField.getAttribute('aria-invalid'), 'true');
        assert.match(
          await page.locator(`[id="${await fromField.getAttribute('aria-describedby')}"]`).innerText(),
          /^From must be a date/,
        );
        await shot(page, 'oversight-audit-invalid-1440');
      } finally {
        await ctx.close();
      }
    });

    it('auditor: reads the queue and a case with no way to act on it; the server refuses and records every read', async () => {
      const { ctx, page } = await as('aud', '/queue');
      try {
        await page.locator('table.cases tbody tr').first().waitFor();
        await axe(page, 'queue as auditor');
        await page.locator('table.cases tbody tr').first().click();
        await page.waitForURL(/\/console\/cases\/\d+$/);
        const caseId = Number(/cases\/(\d+)$/.exec(page.url())![1]);
        await page.locator('aside.decision-panel').waitFor();
        await page.getByText('You cannot decide this case.').waitFor();
        assert.equal(await page.getByRole('button', { name: /Claim/ }).count(), 0);
        assert.equal(
          await page.locator('aside.decision-panel input[type=radio], aside.decision-panel textarea').count(),
          0,
          'no decision controls',
        );
        assert.equal(await page.getByRole('button', { name: 'Add note' }).count(), 0);
        await axe(page, 'case as auditor');
        await shot(page, 'oversight-auditor-case-1440');
        assert.equal(await call(page, 'POST', `/v1/cases/${caseId}/claim`), 403);
        assert.equal(await call(page, 'POST', `/v1/cases/${caseId}/notes`, { text: 'x' }), 403);
        assert.equal(
          await call(page, 'POST', `/v1/cases/${caseId}/decision`, { decision: 'not_violating', reason: 'x' }),
          403,
        );
        assert.equal(await call(page, 'POST', '/v1/legal/le-requests', {}), 403);
        assert.equal(await call(page, 'GET', '/v1/legal/reports'), 200);
        const viewed = await db()
          .selectFrom('audit_log')
          .select(['subject_id'])
          .where('actor', '=', `staff:${ids.aud}`)
          .where('action', '=', 'auditor.view')
          .where('subject_type', '=', 'case')
          .execute();
        assert.ok(
          viewed.some((v) => v.subject_id === String(caseId)),
          'the case view is in the audit log',
        );

        // The team dashboard is for leads: not offered, and refused.
        await page.goto(`${base}/console/team`);
        assert.equal(await heading(page), 'Not available to your role');
        assert.equal(await call(page, 'GET', '/v1/team/dashboard'), 403);
      } finally {
        await ctx.close();
      }
    });

    it('lead: the team dashboard, its charts and tables, a shorter period with history; no audit log', async () => {
      const { ctx, page } = await as('lou', '/team');
      try {
        assert.equal(await heading(page), 'Team');
        assert.equal(await page.title(), 'Team · Vigil');
        assert.ok((await navLabels(page)).includes('Team'));
        const api = await page.evaluate(async () => (await fetch('/v1/team/dashboard?days=30')).json());
        const open = page.locator('section', { has: page.locator('#open-h') });
        await open.locator('table').waitFor();
        assert.match(
          await page.locator('#open-h').innerText(),
          new RegExp(`Open cases \\(${api.open_cases.reduce((n: number, q: { total: number }) => n + q.total, 0)}\\)`),
        );
        const accounts = api.open_cases.find((q: { queue: string }) => q.queue === 'accounts');
        const accRow = open.locator('tbody tr', { hasText: 'Accounts' });
        assert.deepEqual((await accRow.locator('td').allInnerTexts()).map(Number), [
          ...api.age_buckets.map((b: { key: string }) => accounts.by_age[b.key]),
          accounts.total,
        ]);
        assert.equal(accounts.by_age.over_7d, 6, 'the seeded 12-day-old cases are over a week old');
        assert.equal(await open.locator('svg[role=img]').count(), 2, 'by queue and by age');
        const decided = api.decisions_per_day.reduce((n: number, x: { total: number }) => n + x.total, 0);
        assert.ok(decided >= 44, 'the 42 seeded decisions and the group decision and approval');
        assert.match(await page.locator('#dec-h').innerText(), new RegExp(`\\(${decided} in 30 days\\)`));
        const ttd = page.locator('section', { has: page.locator('#ttd-h') });
        const ur = api.time_to_decision.find((q: { queue: string }) => q.queue === 'user-reports');
        assert.ok(ur && ur.p50_seconds >= 3600 && ur.p90_seconds >= ur.p50_seconds);
        assert.match(await ttd.locator('tbody tr', { hasText: 'User reports' }).innerText(), /User reports\s+\d+\s+\d/);
        assert.match(
          await page.locator('section', { has: page.locator('#app-h') }).innerText(),
          /Waiting for a decision\s+1/,
        );
        assert.match(await page.locator('section', { has: page.locator('#exp-h') }).innerText(), /rita\s+7\s+7/);
        const stops = await tabStops(page);
        for (const want of ['select:Period', 'summary:Decisions per day as a table'])
          assert.ok(
            stops.some((t) => t.startsWith(want)),
            `Tab reaches ${want}: ${stops}`,
          );
        await axe(page, 'team dashboard');
        await shot(page, 'oversight-team-1440', true);
        await phone(page, 'oversight-team');

        // The period is in the URL: choosing 7 days adds a history entry, Back returns to 30.
        await page.getByLabel('Period').selectOption('7');
        await page.waitForURL(/\/team\?days=7$/);
        await page.locator('#dec-h', { hasText: 'in 7 days' }).waitFor();
        await page.goBack();
        await page.locator('#dec-h', { hasText: 'in 30 days' }).waitFor();

        // The audit log is for admins and auditors.
        assert.ok(
          !(await navLabels(page)).includes('Admin') ||
            !(await page.locator('nav.subnav a', { hasText: 'Audit log' }).count()),
        );
        await page.goto(`${base}/console/admin/audit`);
        assert.equal(await heading(page), 'Not available to your role');
        assert.equal(await call(page, 'GET', '/v1/audit'), 403);
      } finally {
        await ctx.close();
      }
    });

    it('admin: transparency figures in words, members banned with their group counted, CSV, a period refused at the field', async () => {
      const { ctx, page } = await as('ada', '/admin/transparency');
      try {
        assert.equal(await heading(page), 'Transparency report');
        const key = page.locator('table.key-figures');
        await key.waitFor();
        const figure = async (label: string) =>
          Number(
            (
              await key
                .locator('tr', { has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) })
                .locator('td')
                .innerText()
            ).replace(/,/g, ''),
          );
        assert.equal(await figure('Accounts banned'), 4, 'the four members banned with their group');
        assert.equal(await figure('… of which banned with their group'), 4);
        assert.equal(await figure('Groups taken down'), 1);
        assert.equal(await figure('Appeals filed'), 1);
        // Words, not codes, in the breakdowns.
        const body = await page.locator('main').innerText();
        assert.match(body, /Account suspensions/);
        assert.match(body, /Groups whose members were all banned/);
        assert.match(body, /Not violating/);
        assert.doesNotMatch(body, /not_violating|ban_members|takedown_group/);
        await axe(page, 'transparency');
        await shot(page, 'oversight-transparency-1440', true);
        await phone(page, 'oversight-transparency');

        const stops = await tabStops(page, 40);
        for (const want of [
          'input:First day',
          'input:Last day (included)',
          'button:Show figures',
          'button:Last year',
          'button:Download CSV',
        ]) {
          assert.ok(
            stops.some((t) => t.startsWith(want)),
            `Tab reaches ${want}: ${stops}`,
          );
        }
        // The CSV has the same numbers, in the same words (downloaded from the keyboard).
        await page.getByRole('button', { name: 'Download CSV' }).focus();
        const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
        const csv = readFileSync((await download.path())!, 'utf8');
        assert.match(csv, /^Section,Figure,Value\r\n/);
        assert.match(csv, /Key figures,Accounts banned,4\r\n/);
        assert.match(csv, /Key figures,of which banned with their group,4\r\n/);
        assert.match(csv, /"Enforcement actions, by kind",Account suspensions,\d+\r\n/);

        // A period that ends before it starts: refused at the field (and by the server, for a typed URL).
        await page.getByLabel('First day').fill('2026-05-10');
        await page.getByLabel('Last day (included)').fill('2026-05-01');
        await page.getByRole('button', { name: 'Show figures' }).click();
        const last = page.getByLabel('Last day (included)');
        assert.equal(await last.getAttribute('aria-invalid'), 'true');
        await page.goto(`${base}/console/admin/transparency?from=2026-05-10&to=2026-05-01`);
        await page.locator('.field.invalid').waitFor();
        assert.match(
          await page.locator(`[id="${await last.getAttribute('aria-describedby')}"]`).innerText(),
          /The last day must not be before the first/,
        );
        // An earlier period has none of this.
        await page.getByRole('button', { name: 'Last year' }).click();
        await page.waitForURL(/from=\d{4}-01-01&to=\d{4}-12-31/);
        await page.locator('table.key-figures').waitFor();
        assert.equal(await figure('Accounts banned'), 0);
        assert.ok((await page.locator('p.muted', { hasText: 'None in this period.' }).count()) >= 5);
      } finally {
        await ctx.close();
      }
    });

    it('reviewer and legal: what each may open, and the server agrees', async () => {
      const r = await as('rita', '/queue');
      try {
        const nav = await navLabels(r.page);
        assert.ok(!nav.includes('Team') && !nav.includes('Admin'), `reviewer nav: ${nav}`);
        for (const path of ['/team', '/admin/audit', '/admin/transparency']) {
          await r.page.goto(`${base}/console${path}`);
          assert.equal(await heading(r.page), 'Not available to your role', path);
        }
        assert.equal(await call(r.page, 'GET', '/v1/team/dashboard'), 403);
        assert.equal(await call(r.page, 'GET', '/v1/audit'), 403);
        assert.equal(await call(r.page, 'GET', '/v1/legal/transparency?from=2026-01-01&to=2026-12-31'), 403);
      } finally {
        await r.ctx.close();
      }
      const l = await as('lena', '/admin/transparency');
      try {
        assert.equal(await heading(l.page), 'Transparency report');
        await l.page.locator('table.key-figures').waitFor();
        await l.page.goto(`${base}/console/admin/audit`);
        assert.equal(await heading(l.page), 'Not available to your role');
        assert.equal(await call(l.page, 'GET', '/v1/audit/verify'), 403);
      } finally {
        await l.ctx.close();
      }
    });

    it('admin: a tampered entry shows where the chain breaks', async () => {
      const k = db();
      if (dialect === 'postgres') await sql`DROP TRIGGER audit_log_no_change ON audit_log`.execute(k);
      else await sql`DROP TRIGGER audit_log_no_update`.execute(k);
      await k.updateTable('audit_log').set({ reason: 'quietly rewritten' }).where('seq', '=', 100).execute();
      const { ctx, page } = await as('ada', '/admin/audit');
      try {
        const chain = page.locator('.chain-bad');
        await chain.waitFor();
        assert.match(
          await chain.innerText(),
          /Verified up to entry 99 — the chain breaks at entry 100: its contents do not match its hash/,
        );
        await axe(page, 'audit log, broken chain');
        await shot(page, 'oversight-audit-broken-1440');
      } finally {
        await ctx.close();
      }
    });
  });
