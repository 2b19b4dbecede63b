// The legal screens in real Chromium against a real server (both storage dialects) and the local stand-in
// CyberTipline: a group's apparent-CSAM decision through the real decision route drafts a CSAM report with the
// group photo as its file; legal edits it, an invalid edit is refused at its field, the confirmation shows the
// summary and the XML, the filing job files it and the page shows NCMEC's report id and the file's upload.
// Then the vault (expiries marked, holds placed and released, an export) and the request ledger (deadlines
// marked, a request recorded, edited, renewed and produced), with a few hundred generated rows each; the old
// /console/legal address; what a reviewer and an auditor may not do (the page and the server both refuse).
// axe-core on every page; screenshots at 1,440 and 390 px.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findXsd } from '@vigil/ncmec';
import { startFakeCyberTipline, type FakeCyberTipline } from '@vigil/ncmec/fake';
import { axe, ensureConsoleBuilt, heading, launch, shot, signIn } from './browser.ts';
import { DIALECTS, testApp, silentLog, staffSession, type TestApp } from '../../server/test/helpers.ts';
import { createStaff } from '../../server/src/auth/staff.ts';
import { Worker } from '../../server/src/queue/worker.ts';
import { jobHandlers } from '../../server/src/service.ts';
import { loadConfig } from '../../server/src/config.ts';
import { ingestEvents, validateEvents } from '../../server/src/ingest/ingest.ts';
import { ensureDefaultRules } from '../../server/src/detect/rules-store.ts';
import { addEntries, createBank } from '../../server/src/media/banks.ts';
import { attachToCase } from '../../server/src/review/task-store.ts';
import { draftFromDecision } from '../../server/src/legal/report-draft.ts';
import { preserve } from '../../server/src/legal/vault.ts';
import { vaultKeys } from '../../server/src/legal/vault-keys.ts';
import { createLeRequest } from '../../server/src/legal/le-requests.ts';

const LISTED = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const CSAM = 'Child Pornography (possession, manufacture, and distribution)';
const DAY = 86_400_000;
const SEEDED_REPORTS = 130;
const SEEDED_ITEMS = 160;
const SEEDED_REQUESTS = 120;
const PW = 'correct horse battery staple';

for (const dialect of DIALECTS)
  describe(`legal screens in Chromium (${dialect})`, () => {
    let ta: TestApp;
    let fake: FakeCyberTipline;
    let media: Server;
    let browser: Browser;
    let base = '';
    let groupReport = 0;
    let caseId = 0;
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
    const audit = (action: string) =>
      ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select(['reason', 'data'])
        .where('action', '=', action)
        .orderBy('seq')
        .execute();
    async function session(
      role: string,
      username: string,
      viewport = { width: 1440, height: 900 },
    ): Promise<{ ctx: BrowserContext; page: Page }> {
      const ctx = await browser.newContext({ viewport, acceptDownloads: true });
      const page = await ctx.newPage();
      await page.goto(`${base}/console/`);
      await signIn(page, username, PW);
      return { ctx, page };
    }
    /** Waits for `selector`; on a timeout says what the page showed instead (a loaded machine can be slow). */
    async function seen(page: Page, selector: string) {
      await page
        .locator(selector)
        .first()
        .waitFor({ timeout: 60_000 })
        .catch(async () =>
          assert.fail(
            `${selector} not shown at ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 500)}`,
          ),
        );
    }
    let legalPage: Page | null = null;
    /** Legal's one browser session, shared by the tests (signing in is deliberately slow: scrypt). */
    async function lena(): Promise<{ page: Page }> {
      legalPage ??= (await session('legal', 'lena')).page;
      return { page: legalPage };
    }
    /** A call from the signed-in page's own session (cookie and CSRF token), to check what the server answers. */
    async function fromPage(page: Page, method: 'GET' | 'POST' | 'PATCH', url: string, data?: object) {
      const csrf = (await (await page.request.get(`${base}/v1/session`)).json()).csrf_token as string;
      const r = await page.request.fetch(`${base}${url}`, {
        method,
        headers: { 'x-csrf-token': csrf },
        ...(data ? { data } : {}),
      });
      return r.status();
    }

    before(async () => {
      ensureConsoleBuilt();
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 40, g: 120, b: 200 } } })
        .png()
        .toBuffer();
      media = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
      await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
      const mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
      fake = await startFakeCyberTipline({ username: 'esp', password: 'pw', xsdPath: findXsd() });
      const d = loadConfig({ env: {} });
      ta = await testApp(dialect, {
        media: { ...d.media, allowPrivateFetch: true, hashRemote: false },
        ncmec: {
          ...d.ncmec,
          baseUrl: fake.url,
          username: 'esp',
          password: 'pw',
          timeoutMs: 5000,
          platformName: 'Example Messenger',
          reporter: { firstName: 'Trust', lastName: 'Safety', email: 'safety@example.org' },
        },
      });
      const db = ta.ctx.db.kysely;
      await ensureDefaultRules(db, ta.clock);
      for (const [username, role] of [
        ['lena', 'legal'],
        ['rita', 'reviewer'],
        ['audrey', 'auditor'],
      ] as const)
        await createStaff(db, { username, role, password: PW }, 'test', ta.clock);
      await createBank(db, { name: 'KNOWN_TEST', kind: 'block' }, 'test', ta.clock);
      await addEntries(db, 'KNOWN_TEST', [{ signal_type: 'pdq', value: LISTED }], 'test', ta.clock);

      // Generated volume first, so the group's report is the newest: old drafts from the same builder, vault items
      // sealed by the real vault with spread expiries, requests through the ledger's own function.
      const now = ta.clock.now();
      const template = await draftFromDecision(
        db,
        {
          platform: 'default',
          subjectType: 'account',
          subjectId: 'acc-seed',
          decisionTaskId: 0,
          decidedAt: now.toISOString(),
        },
        ta.ctx.cfg,
      );
      const rows = Array.from({ length: SEEDED_REPORTS }, (_, i) => ({
        platform: 'default',
        subject_type: 'account',
        subject_id: `acc-${i}`,
        decision_task_id: null,
        legal_task_id: null,
        status: (i % 5 === 0 ? 'filed' : 'draft') as 'filed' | 'draft',
        draft: JSON.stringify({
          ...template,
          report: {
            ...template.report,
            reportedUsers: [{ espIdentifier: `acc-${i}`, espService: 'Example Messenger', screenName: `member_${i}` }],
          },
        }),
        journal: null,
        ncmec_report_id: i % 5 === 0 ? 6_000_000 + i : null,
        error: null,
        sent_by: null,
        created_at: new Date(now.getTime() - (SEEDED_REPORTS - i) * 60_000).toISOString(),
        updated_at: now.toISOString(),
        filed_at: i % 5 === 0 ? now.toISOString() : null,
      }));
      await db.insertInto('ncmec_reports').values(rows).execute();
      const keys = vaultKeys(ta.ctx.cfg);
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < SEEDED_ITEMS; i++) {
          // The soon-to-go items are about subjects no preservation request holds.
          const id = await preserve(
            trx,
            {
              platform: 'default',
              subjectType: 'account',
              subjectId: i < 8 ? `acc-expiring-${i}` : `acc-${i % 40}`,
              reportId: null,
              kind: 'messages',
              label: `messages-${i}.json`,
              mime: 'application/json',
              bytes: new TextEncoder().encode(JSON.stringify({ seed: i, text: `generated message ${i}` })),
            },
            keys,
            365,
            ta.clock,
          );
          // A few already past retention (the loop destroys them next), a few within 30 days, the rest a year out.
          const expires =
            i < 3 ? now.getTime() - DAY : i < 8 ? now.getTime() + 10 * DAY : now.getTime() + (200 + i) * DAY;
          await trx
            .updateTable('vault_items')
            .set({ expires_at: new Date(expires).toISOString() })
            .where('id', '=', id)
            .execute();
        }
      });
      for (let i = 0; i < SEEDED_REQUESTS; i++) {
        const due = i === 0 ? -DAY : i === 1 ? DAY : (10 + i) * DAY;
        await createLeRequest(
          db,
          {
            kind: i % 4 === 0 ? 'preservation' : 'subpoena',
            agency: `County Sheriff ${i % 7}`,
            case_number: `LE-${1000 + i}`,
            received_at: new Date(now.getTime() - 5 * DAY).toISOString(),
            due_at: new Date(now.getTime() + due).toISOString(),
            subjects: [{ platform: 'default', type: 'account', id: `acc-${i % 40}` }],
            ...(i % 6 === 0 ? { nondisclosure_until: new Date(now.getTime() + 180 * DAY).toISOString() } : {}),
          },
          'test',
          ta.clock,
        );
      }

      // The group: its photo matches a listed hash; a reviewer decides apparent CSAM through the decision route.
      await ingestEvents(
        db,
        'default',
        validateEvents([
          {
            id: 'g1',
            type: 'group.created',
            occurred_at: now.toISOString(),
            group: {
              id: 'grp-trade',
              name: 'weekend swap',
              member_count: 3,
              avatar: { pdq: LISTED, url: `${mediaBase}/group-photo.png`, mime: 'image/png' },
            },
          },
        ]),
        ta.clock,
      );
      await work();
      const open = await db
        .selectFrom('cases')
        .select('id')
        .where('subject_id', '=', 'grp-trade')
        .where('status', '=', 'open')
        .executeTakeFirst();
      caseId = open
        ? Number(open.id)
        : Number(
            (
              await db.transaction().execute((trx) =>
                attachToCase(
                  trx,
                  {
                    platform: 'default',
                    subjectType: 'group',
                    subjectId: 'grp-trade',
                    queue: 'groups',
                    priority: 90,
                    reason: 'group photo matches a listed hash',
                  },
                  ta.clock,
                ),
              )
            ).caseId,
          );
      const reviewer = await staffSession(ta, 'reviewer');
      const call = (url: string, payload: object) =>
        ta.app.inject({
          method: 'POST',
          url,
          headers: { cookie: reviewer.cookie, 'x-csrf-token': reviewer.csrf },
          payload,
        });
      assert.equal((await call(`/v1/cases/${caseId}/claim`, {})).statusCode, 200);
      const decided = await call(`/v1/cases/${caseId}/decision`, {
        decision: 'apparent_csam',
        reason: 'the group photo is known abuse material',
        actions: [],
      });
      assert.equal(decided.statusCode, 200, decided.body);
      await work(); // vault.preserve seals the group photo
      groupReport = Number(
        (
          await db
            .selectFrom('ncmec_reports')
            .select('id')
            .where('subject_id', '=', 'grp-trade')
            .executeTakeFirstOrThrow()
        ).id,
      );
      base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      await ta?.close();
      await fake?.close();
      media?.close();
    });

    it('reports: list with paging and a status filter; the old address redirects', { timeout: 120_000 }, async () => {
      const { page } = await lena();
      await page.waitForURL(/\/console\/legal\/reports$/);
      assert.equal(await heading(page), 'CyberTipline reports');
      await page.locator('table.legal-reports tbody tr').first().waitFor();
      assert.equal(await page.locator('p.count').innerText(), `${SEEDED_REPORTS + 1} reports`);
      assert.equal(await page.locator('table.legal-reports tbody tr').count(), 50);
      const first = page.locator('table.legal-reports tbody tr').first();
      assert.match(
        await first.innerText(),
        new RegExp(
          `Report ${groupReport}[\\s\\S]*group grp-trade[\\s\\S]*${CSAM.replace(/[()]/g, '\\$&')}[\\s\\S]*Draft[\\s\\S]*Case ${caseId}`,
        ),
      );
      await axe(page, 'reports list');
      await shot(page, 'legal-reports-1440');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForURL(/page=1/);
      await page.waitForFunction(() =>
        document.querySelector('table.legal-reports caption')?.textContent?.includes('page 2'),
      );
      await page.selectOption('select[name=status]', 'filed');
      await page.waitForURL(/status=filed/);
      await page.waitForFunction(
        (n) => document.querySelector('p.count')?.textContent === `${n} reports filed`,
        SEEDED_REPORTS / 5,
      );
      assert.ok((await page.locator('table.legal-reports tbody tr').allInnerTexts()).every((t) => /Filed/.test(t)));
      await page.goBack();
      await page.waitForURL(/page=1$/);

      // The old address: replaced, not added to history (Back goes to where we were before it).
      await page.goto(`${base}/console/legal`);
      await page.waitForURL(/\/console\/legal\/reports$/);
      assert.equal(await heading(page), 'CyberTipline reports');
      await page.goBack();
      await page.waitForURL(/\/console\/legal\/reports\?page=1$/);

      const phone = { page };
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/console/legal/reports`);
      await seen(phone.page, 'table.legal-reports tbody tr');
      assert.ok(
        await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
        'nothing wider than the phone (the table scrolls in its frame)',
      );
      await shot(phone.page, 'legal-reports-390');
      await page.setViewportSize({ width: 1440, height: 900 });
    });

    it(
      'group CSAM decision → CSAM draft → edit → invalid edit refused at the field → confirm (summary + XML) → filed, report id and file status shown',
      { timeout: 150_000 },
      async () => {
        const { page } = await lena();
        await page.goto(`${base}/console/legal/reports`);
        await page.getByRole('link', { name: `Report ${groupReport}`, exact: true }).click();
        await page.waitForURL(new RegExp(`/console/legal/reports/${groupReport}$`));
        assert.equal(await heading(page), `CyberTipline report ${groupReport}`);
        const overview = page.locator('dl.report-overview');
        assert.match(await overview.innerText(), new RegExp(`Incident type\\s+${CSAM.replace(/[()]/g, '\\$&')}`));
        await page.getByText("Validates against NCMEC's schema.").waitFor();
        assert.match(await page.locator('section[aria-labelledby=files-h]').innerText(), /group_avatar-grp-trade/);
        await axe(page, 'report page');
        await shot(page, 'legal-report-1440', true);

        // A valid edit: saved, and the audit log keeps the field before and after.
        await page.fill(
          'textarea[name=additionalInfo]',
          'The group photo matched a confirmed hash; reviewed by two people.',
        );
        await page.getByRole('button', { name: 'Save additional information' }).click();
        await page.getByRole('status').filter({ hasText: 'Additional information saved' }).waitFor();
        const edit = JSON.parse((await audit('ncmec.report.edit')).at(-1)!.data as unknown as string);
        assert.deepEqual(
          edit.changes.map((c: { field: string; after: string }) => [c.field, c.after]),
          [['additionalInfo', 'The group photo matched a confirmed hash; reviewed by two people.']],
        );

        // An invalid edit: refused by the schema, shown at the field, nothing saved.
        const before = (
          await ta.ctx.db.kysely
            .selectFrom('ncmec_reports')
            .select('draft')
            .where('id', '=', groupReport)
            .executeTakeFirstOrThrow()
        ).draft;
        await page.fill('input[name=incidentDateTime]', '2026-02-30 at noon');
        await page.getByRole('button', { name: 'Save incident details' }).click();
        const field = page.locator('input[name=incidentDateTime]');
        await page.waitForFunction(
          () => document.querySelector('input[name=incidentDateTime]')?.getAttribute('aria-invalid') === 'true',
        );
        const described = await field.getAttribute('aria-describedby');
        assert.match(
          await page.locator(`[id="${described}"]`).innerText(),
          /'2026-02-30 at noon' is not a date and time NCMEC accepts \(ISO 8601/,
        );
        assert.equal(
          await page.evaluate(() => document.activeElement?.getAttribute('name')),
          'incidentDateTime',
          'focus goes to the field to fix',
        );
        assert.equal(
          (
            await ta.ctx.db.kysely
              .selectFrom('ncmec_reports')
              .select('draft')
              .where('id', '=', groupReport)
              .executeTakeFirstOrThrow()
          ).draft,
          before,
          'nothing saved',
        );
        await axe(page, 'report page with a field error');
        await shot(page, 'legal-report-invalid-1440');

        // Changing the incident type needs a reason, asked for at its own field.
        await page.reload();
        await page.selectOption('select[name=incidentType]', 'Online Enticement of Children for Sexual Acts');
        await page.getByRole('button', { name: 'Save incident details' }).click();
        await page.waitForFunction(
          () => document.querySelector('textarea[name=reason]')?.getAttribute('aria-invalid') === 'true',
        );
        await page.reload();

        // Send: the confirmation shows the summary and the XML; Escape closes it and focus returns.
        const send = page.getByRole('button', { name: 'Send to NCMEC' });
        await send.click();
        const dialog = page.getByRole('dialog', { name: `File report ${groupReport} with NCMEC?` });
        await dialog.waitFor();
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Send to NCMEC');
        await page.keyboard.press('Enter');
        await dialog.waitFor();
        const text = await dialog.innerText();
        assert.match(text, new RegExp(`Incident type\\s+${CSAM.replace(/[()]/g, '\\$&')}`));
        assert.match(text, /Files\s+1 file: group_avatar-grp-trade/);
        assert.match(text, new RegExp(fake.url.replace(/[.]/g, '\\.')));
        const xml = await dialog.locator('pre.xml').innerText();
        assert.match(
          xml,
          /<incidentType>Child Pornography \(possession, manufacture, and distribution\)<\/incidentType>/,
        );
        assert.match(xml, /<groupIdentifier>grp-trade<\/groupIdentifier>/);
        await axe(page, 'send confirmation');
        await shot(page, 'legal-send-confirm-1440');
        await dialog.getByRole('button', { name: 'File with NCMEC' }).click();
        await page.getByRole('status').filter({ hasText: 'queued for filing' }).waitFor();
        await work();
        const after = await ta.ctx.db.kysely
          .selectFrom('ncmec_reports')
          .select(['status', 'error'])
          .where('id', '=', groupReport)
          .executeTakeFirstOrThrow();
        assert.equal(after.status, 'filed', String(after.error));
        await page
          .locator('.filing')
          .getByText(/Filed: NCMEC report id \d+/)
          .waitFor({ timeout: 60_000 }); // the page polls while queued
        const filed = fake.reports.find((r) => r.status === 'finished')!;
        assert.equal(await page.locator('.ncmec-id').innerText(), String(filed.reportId));
        assert.equal(filed.files.length, 1);
        const row = page.locator('table.file-status tbody tr');
        assert.match(
          await row.innerText(),
          new RegExp(`group_avatar-grp-trade\\s+Uploaded with its details\\s+${filed.files[0]!.fileId}`),
        );
        assert.equal(
          await page.getByRole('button', { name: 'Send to NCMEC' }).count(),
          0,
          'a filed report is not sent again',
        );
        await axe(page, 'filed report');
        await shot(page, 'legal-report-filed-1440', true);

        // The case link works for legal: the case page, not "not allowed".
        await page
          .locator('dl.report-overview')
          .getByRole('link', { name: `Case ${caseId}` })
          .click();
        await page.waitForURL(new RegExp(`/console/cases/${caseId}$`));
        await page.locator('main h1').first().waitFor();
        await page.waitForTimeout(500);
        assert.doesNotMatch(await page.locator('#main').innerText(), /not allowed|Not available/i);

        const phone = { page };
        await page.setViewportSize({ width: 390, height: 844 });
        await phone.page.goto(`${base}/console/legal/reports/${groupReport}`);
        await seen(phone.page, '.filing');
        assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
        await shot(phone.page, 'legal-report-390', true);
        await page.setViewportSize({ width: 1440, height: 900 });
      },
    );

    it(
      'a draft that does not validate cannot be sent: problems at their fields, fixed by keyboard',
      { timeout: 60_000 },
      async () => {
        const { page } = await lena();
        const row = await ta.ctx.db.kysely
          .selectFrom('ncmec_reports')
          .select(['id', 'draft'])
          .where('status', '=', 'draft')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        const id = Number(row.id);
        const good = JSON.parse(row.draft);
        // A draft stored before validation: a reported person's IP time is not a date-time.
        const users = [
          { ...good.report.reportedUsers[0], ipCaptureEvents: [{ ipAddress: '198.51.100.7', dateTime: 'yesterday' }] },
        ];
        await ta.ctx.db.kysely
          .updateTable('ncmec_reports')
          .set({ draft: JSON.stringify({ ...good, report: { ...good.report, reportedUsers: users } }) })
          .where('id', '=', id)
          .execute();
        await page.goto(`${base}/console/legal/reports/${id}`);
        await page.getByText('1 schema problem').waitFor();
        assert.equal(await page.getByRole('button', { name: 'Send to NCMEC' }).isDisabled(), true);
        const field = page.locator('input[name=ip-time-0-0]');
        assert.equal(await field.getAttribute('aria-invalid'), 'true');
        assert.equal(
          await fromPage(page, 'POST', `/v1/legal/reports/${id}/send`, { draft_sha256: 'f'.repeat(64) }),
          409,
          'the server refuses too',
        );
        await axe(page, 'invalid draft');
        // Fixed with the keyboard alone: type into the field, Tab to the section's save button, Enter.
        await field.focus();
        await page.keyboard.press('Control+A');
        await page.keyboard.type('2026-11-02T10:00:00Z');
        while (!(await page.evaluate(() => document.activeElement?.textContent === 'Save reported people')))
          await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        await page.getByText("Validates against NCMEC's schema.").waitFor();
        assert.equal(await page.getByRole('button', { name: 'Send to NCMEC' }).isDisabled(), false);
      },
    );

    it('retracts a draft only with a reason', { timeout: 60_000 }, async () => {
      const { page } = await lena();
      const id = Number(
        (
          await ta.ctx.db.kysely
            .selectFrom('ncmec_reports')
            .select('id')
            .where('status', '=', 'draft')
            .orderBy('id')
            .executeTakeFirstOrThrow()
        ).id,
      );
      await page.goto(`${base}/console/legal/reports/${id}`);
      await page
        .getByRole('button', { name: 'Retract' })
        .waitFor({ timeout: 15_000 })
        .catch(async () => assert.fail(`${page.url()}: ${await page.locator('body').innerText()}`));
      await page.getByRole('button', { name: 'Retract' }).click();
      const dialog = page.getByRole('dialog', { name: `Retract report ${id}?` });
      await dialog.getByRole('button', { name: 'Retract the report' }).click();
      await page.waitForFunction(
        () => document.querySelector('textarea[name=retract-reason]')?.getAttribute('aria-invalid') === 'true',
      );
      await dialog.locator('textarea[name=retract-reason]').fill('a duplicate of an earlier report');
      await dialog.getByRole('button', { name: 'Retract the report' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Report ${id} is retracted` })
        .waitFor();
      assert.match(await page.locator('dl.report-overview').innerText(), /Status\s+Retracted/);
      assert.equal((await audit('ncmec.report.retract')).at(-1)!.reason, 'a duplicate of an earlier report');
    });

    it(
      'vault: expiries marked, paging, a hold placed and released with reasons, an audited export',
      { timeout: 120_000 },
      async () => {
        const { page } = await lena();
        await page
          .getByRole('navigation', { name: 'Legal pages' })
          .getByRole('link', { name: 'Preservation vault' })
          .click();
        await page.waitForURL(/\/console\/legal\/vault$/);
        assert.equal(await heading(page), 'Preservation vault');
        await page.locator('table.vault-items tbody tr').first().waitFor();
        const total = Number(
          (
            await ta.ctx.db.kysely
              .selectFrom('vault_items')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('destroyed_at', 'is', null)
              .executeTakeFirstOrThrow()
          ).n,
        );
        assert.match(
          await page.locator('p.count').innerText(),
          new RegExp(`^${total} items; 3 overdue on this page; 5 due within 30 days`),
        );
        assert.equal(await page.locator('table.vault-items .overdue').count(), 3);
        assert.equal(await page.locator('table.vault-items .due-soon').count(), 5);
        await axe(page, 'vault');
        await shot(page, 'legal-vault-1440');
        await page.getByRole('button', { name: 'Next' }).click();
        await page.waitForURL(/page=1/);
        await page.waitForFunction(() =>
          document.querySelector('table.vault-items caption')?.textContent?.includes('page 2'),
        );

        // A hold: the reason is required at its field; then it is in force and the item shows it.
        await page.goto(`${base}/console/legal/vault?subject=acc-39`);
        await page.locator('table.vault-items tbody tr').first().waitFor();
        await page.getByRole('button', { name: 'Place a legal hold' }).click();
        const hold = page.getByRole('dialog', { name: 'Place a legal hold' });
        await hold.locator('input[name=hold-subject]').fill('acc-39');
        await hold.locator('input[name=hold-days]').fill('900');
        await hold.getByRole('button', { name: 'Place the hold' }).click();
        await page.waitForFunction(
          () => document.querySelector('textarea[name=hold-reason]')?.getAttribute('aria-invalid') === 'true',
        );
        await hold.locator('textarea[name=hold-reason]').fill('counsel asked to keep everything about this account');
        await hold.getByRole('button', { name: 'Place the hold' }).click();
        await page.getByRole('status').filter({ hasText: 'The hold is placed' }).waitFor();
        await page.locator('table.holds').getByText('counsel asked to keep everything about this account').waitFor();
        await page.locator('table.vault-items').getByText('held by a legal hold').first().waitFor();
        await page
          .locator('table.holds tbody tr')
          .filter({ hasText: 'counsel asked' })
          .getByRole('button', { name: /Release/ })
          .click();
        const release = page.getByRole('dialog', { name: 'Release this legal hold?' });
        await release.locator('textarea[name=purpose]').fill('counsel withdrew the request');
        await release.getByRole('button', { name: 'Release the hold' }).click();
        await page.getByRole('status').filter({ hasText: 'The hold is released' }).waitFor();
        assert.deepEqual(
          (await audit('legal.hold.place')).map((a) => a.reason),
          ['counsel asked to keep everything about this account'],
        );
        assert.deepEqual(
          (await audit('legal.hold.release')).map((a) => a.reason),
          ['counsel withdrew the request'],
        );

        // Opening one item asks for a purpose; the view is audited with it.
        await page
          .locator('table.vault-items tbody tr')
          .first()
          .getByRole('button', { name: /^Open item/ })
          .click();
        const opening = page.getByRole('dialog', { name: /^Open item \d+$/ });
        await opening.locator('textarea[name=purpose]').fill('checking the preserved copy for counsel');
        const viewed = page.waitForEvent('download');
        await opening.getByRole('button', { name: 'Open (download)' }).click();
        assert.match((await viewed).suggestedFilename(), /^vault-\d+-messages-\d+\.json$/);
        assert.equal((await audit('vault.access')).at(-1)!.reason, 'checking the preserved copy for counsel');

        // An export: chosen items, a purpose, a ZIP; the server records every item's opening.
        const boxes = page.locator('table.vault-items tbody input[type=checkbox]');
        await boxes.nth(0).check();
        await boxes.nth(1).check();
        await page.getByRole('button', { name: 'Export 2 items' }).click();
        const exp = page.getByRole('dialog', { name: 'Export 2 items' });
        await exp.locator('textarea[name=purpose]').fill('production to counsel');
        const download = page.waitForEvent('download');
        await exp.getByRole('button', { name: 'Export the sealed ZIP' }).click();
        assert.match((await download).suggestedFilename(), /^vigil-export-\d+\.zip$/);
        assert.equal((await audit('vault.export')).at(-1)!.reason, 'production to counsel');
        assert.equal((await audit('vault.access')).filter((a) => a.reason === 'production to counsel').length, 2);

        const phone = { page };
        await page.setViewportSize({ width: 390, height: 844 });
        await phone.page.goto(`${base}/console/legal/vault`);
        await seen(phone.page, 'table.vault-items tbody tr');
        assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
        await shot(phone.page, 'legal-vault-390');
        await page.setViewportSize({ width: 1440, height: 900 });
      },
    );

    it(
      'requests: deadlines marked, search, record (refused at the field first), edit, renew, produce',
      { timeout: 120_000 },
      async () => {
        const { page } = await lena();
        await page.goto(`${base}/console/legal/requests`);
        assert.equal(await heading(page), 'Law-enforcement requests');
        await page.locator('table.le-requests tbody tr').first().waitFor();
        assert.equal(await page.locator('p.count').innerText(), `${SEEDED_REQUESTS} requests`);
        await page.getByRole('button', { name: 'Next' }).click();
        await page.waitForURL(/page=1/);
        await page.getByRole('button', { name: 'Next' }).click();
        await page.waitForURL(/page=2/);
        // The oldest requests (last page) hold the overdue one and the one due tomorrow.
        await page.locator('table.le-requests').getByText('LE-1000').waitFor();
        assert.match(
          await page
            .locator('table.le-requests tbody tr')
            .filter({ hasText: 'LE-1000' })
            .locator('.overdue')
            .first()
            .innerText(),
          /due date passed/,
        );
        assert.equal(
          await page.locator('table.le-requests tbody tr').filter({ hasText: 'LE-1001' }).locator('.due-soon').count(),
          1,
        );
        await axe(page, 'requests');
        await shot(page, 'legal-requests-1440');
        await page.fill('input[name=q]', 'LE-1007');
        await page.press('input[name=q]', 'Enter');
        await page.waitForURL(/q=LE-1007/);
        await page.waitForFunction(() => document.querySelector('p.count')?.textContent === '1 request');

        await page.getByRole('button', { name: 'Record a request' }).click();
        const form = page.getByRole('dialog', { name: 'Record a law-enforcement request' });
        await form.getByRole('button', { name: 'Record the request' }).click();
        await page.waitForFunction(
          () => document.querySelector('input[name=agency]')?.getAttribute('aria-invalid') === 'true',
        );
        assert.equal(await form.locator('textarea[name=subjects]').getAttribute('aria-invalid'), 'true');
        await form.locator('input[name=agency]').fill('Example State Police');
        await form.locator('input[name=case_number]').fill('ESP-77');
        await form.locator('textarea[name=subjects]').fill('account acc-39');
        await form.locator('input[name=nondisclosure]').fill('2027-06-30T12:00');
        await form.getByRole('button', { name: 'Record the request' }).click();
        await page.waitForURL(/id=\d+/);
        const detail = page.locator('section.le-detail');
        await detail.getByRole('heading', { name: 'Request ESP-77 (Example State Police)' }).waitFor();
        assert.match(await detail.innerText(), /Non-disclosure\s+In force until 2027-06-30/);
        await detail.locator('input[name=edit-due]').fill('2027-01-15T09:00');
        await detail.getByRole('button', { name: 'Save the request' }).click();
        await page.getByRole('status').filter({ hasText: 'The request is updated' }).waitFor();
        const upd = JSON.parse((await audit('le.request.update')).at(-1)!.data as unknown as string);
        assert.equal(upd.before.due_at, null);
        assert.match(upd.due_at, /^2027-01-15T/);
        await detail.getByRole('button', { name: 'Renew the preservation for 90 days' }).click();
        await page.getByRole('status').filter({ hasText: 'Preservation renewed' }).waitFor();
        await detail.getByRole('button', { name: 'Produce preserved items' }).click();
        const produce = page.getByRole('dialog', { name: 'Produce for ESP-77' });
        await produce.locator('input[type=checkbox]').first().check();
        const download = page.waitForEvent('download');
        await produce.getByRole('button', { name: 'Produce the ZIP' }).click();
        assert.match((await download).suggestedFilename(), /^le-request-\d+\.zip$/);
        await detail.locator('table.productions tbody tr').first().waitFor();
        await axe(page, 'request detail');
        await shot(page, 'legal-request-detail-1440', true);

        const phone = { page };
        await page.setViewportSize({ width: 390, height: 844 });
        await phone.page.goto(`${base}/console/legal/requests`);
        await seen(phone.page, 'table.le-requests tbody tr');
        assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
        await shot(phone.page, 'legal-requests-390');
        await page.setViewportSize({ width: 1440, height: 900 });
      },
    );

    it(
      'a reviewer gets "not available" and the server refuses; an auditor reads with no control that changes anything',
      { timeout: 120_000 },
      async () => {
        const rev = await session('reviewer', 'rita');
        for (const path of [
          '/legal/reports',
          `/legal/reports/${groupReport}`,
          '/legal/vault',
          '/legal/requests',
          '/legal',
        ]) {
          await rev.page.goto(`${base}/console${path}`);
          await rev.page
            .locator('main h1', { hasText: 'Not available to your role' })
            .waitFor({ timeout: 60_000 })
            .catch(async () =>
              assert.fail(
                `${path}: ${await rev.page
                  .locator('#main')
                  .innerText()
                  .catch(() => '(no main)')}`,
              ),
            );
        }
        assert.equal(
          await rev.page.getByRole('link', { name: 'CyberTipline reports' }).count(),
          0,
          'no legal navigation',
        );
        await axe(rev.page, 'not available');
        for (const [m, url] of [
          ['GET', '/v1/legal/reports'],
          ['GET', '/v1/legal/vault'],
          ['GET', '/v1/legal/le-requests'],
          ['GET', '/v1/legal/holds'],
          ['PATCH', `/v1/legal/reports/${groupReport}`],
          ['POST', '/v1/legal/holds'],
        ] as const) {
          assert.equal(await fromPage(rev.page, m, url, m === 'GET' ? undefined : {}), 403, `${m} ${url}`);
        }
        await rev.ctx.close();

        const aud = await session('auditor', 'audrey');
        const draft = Number(
          (
            await ta.ctx.db.kysely
              .selectFrom('ncmec_reports')
              .select('id')
              .where('status', '=', 'draft')
              .orderBy('id', 'desc')
              .executeTakeFirstOrThrow()
          ).id,
        );
        await aud.page.goto(`${base}/console/legal/reports/${draft}`);
        assert.equal(await heading(aud.page), `CyberTipline report ${draft}`);
        await aud.page.getByText('Read only: your role (auditor)').waitFor();
        const mutating =
          /Send to NCMEC|Retract|^Save|Add a|Remove|Place a legal hold|Export|Open|Destroy|Release|Record a request|Renew|Produce/;
        const buttons = async () =>
          (await aud.page.locator('#main button').allInnerTexts()).filter((t) => mutating.test(t.trim()));
        assert.deepEqual(await buttons(), []);
        assert.equal(
          await aud.page.locator('#main :is(input, textarea, select):enabled').count(),
          0,
          'every field is read-only',
        );
        await axe(aud.page, 'report, auditor');
        await aud.page.goto(`${base}/console/legal/vault`);
        await aud.page.locator('table.vault-items tbody tr').first().waitFor();
        assert.deepEqual(await buttons(), []);
        assert.equal(await aud.page.locator('table.vault-items input[type=checkbox]').count(), 0);
        await aud.page.goto(`${base}/console/legal/requests?id=1`);
        await aud.page.locator('section.le-detail h2').waitFor();
        await aud.page.locator('table.le-requests tbody tr').first().waitFor();
        assert.deepEqual(await buttons(), []);
        await shot(aud.page, 'legal-requests-auditor-1440');
        for (const [m, url, body] of [
          ['PATCH', `/v1/legal/reports/${draft}`, { additionalInfo: 'x' }],
          ['POST', `/v1/legal/reports/${draft}/retract`, { reason: 'not mine' }],
          ['POST', '/v1/legal/holds', { subject: { type: 'account', id: 'a' }, days: 1, reason: 'nope' }],
          ['POST', '/v1/legal/le-requests/1/renew', {}],
        ] as const) {
          assert.equal(await fromPage(aud.page, m, url, body), 403, `${m} ${url}`);
        }
        await aud.ctx.close();
      },
    );
  });
