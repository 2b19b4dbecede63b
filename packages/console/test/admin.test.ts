// The admin screens in Chromium against a real server, on both storage dialects: staff (one-time passwords
// shown once, role, disable, reset, unlock), API keys (scopes, last use, revoke), hash banks and one bank's
// entries (a few hundred, searched and paged; import all or nothing with progress; export; confirm and
// deconfirm), and exchanges against the local NCMEC stand-in (a failed page, its error, fetch now). Each role
// sees only what the server lets it do, and the server refuses the rest. Hashes are digests of made-up strings.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, axe, ensureConsoleBuilt, heading, launch, shot, signedIn, checkPhoneWidth } from './browser.ts';
import { DIALECTS, testApp, type TestApp } from '../../server/test/helpers.ts';
import { startFakeNcmec, type FakeNcmec } from '../../server/test/fakes/ncmec-hash-api.ts';
import { createStaff } from '../../server/src/auth/staff.ts';
import { hashPassword } from '../../server/src/auth/passwords.ts';
import { createApiKey } from '../../server/src/auth/api-keys.ts';
import { addEntries, createBank } from '../../server/src/media/banks.ts';
import { createExchange } from '../../server/src/exchanges/store.ts';
import { loadConfig } from '../../server/src/config.ts';

const hex = (seed: number | string, len = 64) =>
  createHash('sha256').update(`benign-admin-fixture-${seed}`).digest('hex').slice(0, len);
const PW = 'admin test password 1';
const ENTRIES = 320;
const WIDE = { width: 1440, height: 900 };

for (const dialect of DIALECTS)
  describe(`admin screens in Chromium (${dialect})`, () => {
    let ta: TestApp;
    let browser: Browser;
    let ncmec: FakeNcmec;
    let base = '';
    const db = () => ta.ctx.db.kysely;
    const login = (username: string, password: string) =>
      ta.app.inject({ method: 'POST', url: '/v1/session', payload: { username, password } });

    const as = (username: string, path: string) => signedIn(browser, base, WIDE, username, PW, path);
    const phone = (page: Page, name: string) => checkPhoneWidth(page, name, WIDE);
    /** A request from the signed-in page itself (its cookie and CSRF token), to check what the server allows. */
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
    /** The table row whose name cell (username, key, bank or exchange) is exactly `name`. */
    const row = (page: Page, name: string) =>
      page.locator('table.admin-table tbody tr').filter({ has: page.getByText(name, { exact: true }) });

    before(async () => {
      ensureConsoleBuilt();
      // Other test files may be rebuilding the console at this moment; the server registers its routes only if dist exists.
      for (let i = 0; i < 600 && !existsSync(join(ROOT, 'packages/console/dist/index.html')); i++)
        await new Promise((r) => setTimeout(r, 100));
      const d = loadConfig({ env: {} });
      ta = await testApp(dialect, {
        exchanges: { ...d.exchanges, enabled: false, allowPrivateTargets: true },
        login: { ...d.login, perIpPerWindow: 10_000, maxFailures: 3 },
      });
      const k = db();
      for (const [username, role] of [
        ['ada', 'admin'],
        ['lou', 'lead'],
        ['rita', 'reviewer'],
        ['aud', 'auditor'],
        ['lena', 'legal'],
      ] as const) {
        await createStaff(k, { username, role, password: PW }, 'test', ta.clock);
      }
      // A realistic team: 150 more accounts (one password hash shared, to keep seeding quick).
      const hash = await hashPassword('seeded account password');
      const now = ta.clock.now().toISOString();
      const roles = ['reviewer', 'reviewer', 'reviewer', 'lead', 'legal'] as const;
      await k
        .insertInto('staff')
        .values(
          Array.from({ length: 150 }, (_, i) => ({
            username: `member${String(i).padStart(3, '0')}`,
            display_name: `Team member ${i}`,
            role: roles[i % roles.length]!,
            password_hash: hash,
            failed_logins: 0,
            locked_until: null,
            disabled: i % 37 === 5 ? 1 : 0,
            created_at: now,
          })),
        )
        .execute();
      for (let i = 0; i < 40; i++)
        await createApiKey(
          k,
          {
            name: `service ${i}`,
            platform: i % 3 ? 'chat' : 'forum',
            scopes: i % 4 ? ['ingest'] : ['read', 'flag'],
            createdBy: null,
            actor: 'test',
          },
          ta.clock,
        );
      for (let i = 0; i < 12; i++) {
        await createBank(
          k,
          {
            name: `LIST_${String(i).padStart(2, '0')}`,
            kind: i % 4 === 3 ? 'allow' : 'block',
            description: `seeded list ${i}`,
          },
          'test',
          ta.clock,
        );
        await addEntries(
          k,
          `LIST_${String(i).padStart(2, '0')}`,
          Array.from({ length: 5 + i }, (_, j) => ({ signal_type: 'pdq' as const, value: hex(`${i}-${j}`) })),
          'test',
          ta.clock,
        );
      }
      await createBank(
        k,
        { name: 'PARTNER', kind: 'block', description: 'hashes shared by a partner' },
        'test',
        ta.clock,
      );
      await addEntries(
        k,
        'PARTNER',
        Array.from({ length: ENTRIES }, (_, i) => ({
          signal_type: (i % 5 === 4 ? 'md5' : 'pdq') as 'md5' | 'pdq',
          value: hex(i, i % 5 === 4 ? 32 : 64),
          note: i % 40 === 7 ? `Batch lantern ${i}` : `partner item ${i}`,
          source: 'partner',
        })),
        'test',
        ta.clock,
      );
      const t = Math.floor(ta.clock.now().getTime() / 1000);
      ncmec = await startFakeNcmec({
        username: 'esp',
        password: 'secret',
        pageSize: 3,
        entries: Array.from({ length: 8 }, (_, i) => ({
          id: String(500 + i),
          kind: 'image' as const,
          timestamp: t - 500 + i,
          md5: hex(`n${i}`, 32),
          pdq: hex(`np${i}`),
        })),
      });
      await createExchange(
        k,
        {
          name: 'NCMEC',
          type: 'ncmec',
          config: { base_url: ncmec.url, username: 'esp', password: 'secret' },
          interval_s: 3600,
        },
        'test',
        ta.clock,
      );
      base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      await ta?.close();
      await ncmec?.close();
    });

    it('admin: staff — create with a one-time password, refuse a bad name at the field, change role, disable, reset, unlock', async () => {
      const { ctx, page } = await as('ada', '/admin/staff');
      try {
        assert.equal(await heading(page), 'Staff');
        assert.equal(await page.title(), 'Staff · Vigil');
        await page.locator('p.count', { hasText: '155 accounts' }).waitFor();
        assert.equal(await row(page, 'member042').locator('td').nth(3).innerText(), 'Never');
        assert.match(await row(page, 'ada').innerText(), /\(you\)/);
        assert.equal(
          await row(page, 'ada')
            .getByRole('button', { name: /Disable/ })
            .count(),
          0,
          'no disabling yourself',
        );
        await axe(page, 'staff');
        await shot(page, 'admin-staff-1440');
        await phone(page, 'admin-staff');

        // Keyboard only: open the dialog, a bad username is refused at the field, then a good one.
        await page.getByRole('button', { name: 'New staff account' }).focus();
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'New staff account' });
        await dialog.waitFor();
        assert.equal(
          await page.evaluate(() => document.activeElement?.getAttribute('name')),
          'username',
          'focus moves into the dialog',
        );
        await page.keyboard.type('bad name!');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        await page.keyboard.press('ArrowDown'); // Role: Lead
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Create account');
        await page.keyboard.press('Enter');
        const userField = dialog.getByLabel('Username');
        await dialog.locator('.field.invalid').first().waitFor();
        const described = await userField.getAttribute('aria-describedby');
        assert.match(
          await page.locator(`[id="${described}"]`).innerText(),
          /letters, digits, dot, dash or underscore/i,
        );
        assert.equal(await userField.getAttribute('aria-invalid'), 'true');
        await userField.fill('nadia');
        await dialog.getByLabel('Display name (optional)').fill('Nadia N.');
        await dialog.getByRole('button', { name: 'Create account' }).click();
        const secret = page.getByRole('dialog', { name: 'One-time password for nadia' });
        await secret.waitFor();
        const password = (await secret.locator('[data-secret]').innerText()).trim();
        assert.ok(password.length >= 20);
        await shot(page, 'admin-staff-password-once-1440');
        await secret.getByRole('button', { name: 'I have kept it' }).click();
        assert.equal(await page.locator('[data-secret]').count(), 0, 'the password is gone once dismissed');
        await row(page, 'nadia').waitFor();
        assert.match(await row(page, 'nadia').innerText(), /Lead/);
        assert.equal((await login('nadia', password)).statusCode, 200, 'the one-time password signs in');
        const created = await db()
          .selectFrom('audit_log')
          .select('data')
          .where('action', '=', 'staff.create')
          .where('actor', 'like', 'staff:%')
          .execute();
        assert.equal(created.length, 1);
        assert.doesNotMatch(created[0]!.data, new RegExp(password), 'the password is not in the audit log');

        // Change role (a select in a dialog); Escape closes a dialog and gives focus back.
        await row(page, 'member010').getByRole('button', { name: 'Change role of member010' }).click();
        const roleDialog = page.getByRole('dialog', { name: 'Change the role of member010' });
        await page.keyboard.press('Escape');
        await roleDialog.waitFor({ state: 'detached' });
        assert.equal(
          await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
          'Change role of member010',
          'focus returns to the opener',
        );
        await page.keyboard.press('Enter');
        await roleDialog.getByLabel('Role').selectOption('legal');
        await roleDialog.getByRole('button', { name: 'Change role' }).click();
        await page.getByText('member010 is now legal').waitFor();
        assert.equal(
          (await db().selectFrom('staff').select('role').where('username', '=', 'member010').executeTakeFirstOrThrow())
            .role,
          'legal',
        );

        // Disable needs a confirmation; cancelling changes nothing.
        await row(page, 'nadia').getByRole('button', { name: 'Disable nadia' }).click();
        const confirm = page.getByRole('dialog', { name: 'Disable nadia?' });
        await confirm.getByRole('button', { name: 'Cancel' }).click();
        assert.equal(
          (await db().selectFrom('staff').select('disabled').where('username', '=', 'nadia').executeTakeFirstOrThrow())
            .disabled,
          0,
        );
        // By keyboard: Tab (trapped in the dialog) reaches the action; focus ends on the row's (now Enable) button.
        await row(page, 'nadia').getByRole('button', { name: 'Disable nadia' }).focus();
        await page.keyboard.press('Enter');
        await confirm.waitFor();
        for (
          let i = 0;
          i < 4 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Disable account';
          i++
        )
          await page.keyboard.press('Tab');
        assert.equal(
          await page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null),
          true,
          'focus stays in the dialog',
        );
        await page.keyboard.press('Enter');
        await row(page, 'nadia').getByText('Disabled', { exact: true }).waitFor();
        await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Enable nadia', null, {
          timeout: 5000,
        });
        assert.equal((await login('nadia', password)).statusCode, 401);
        await row(page, 'nadia').getByRole('button', { name: 'Enable nadia' }).click();
        await row(page, 'nadia').getByText('Active', { exact: true }).waitFor();

        // Reset: a new one-time password, shown once; the old one stops working.
        await row(page, 'nadia').getByRole('button', { name: 'Reset password of nadia' }).click();
        await page
          .getByRole('dialog', { name: 'Reset the password of nadia?' })
          .getByRole('button', { name: 'Reset password' })
          .click();
        const again = page.getByRole('dialog', { name: 'New one-time password for nadia' });
        await again.waitFor();
        const fresh = (await again.locator('[data-secret]').innerText()).trim();
        await again.getByRole('button', { name: 'I have kept it' }).click();
        assert.notEqual(fresh, password);
        assert.equal((await login('nadia', password)).statusCode, 401);
        assert.equal((await login('nadia', fresh)).statusCode, 200);

        // Unlock: repeated wrong passwords lock the account; the admin sees it and unlocks it.
        for (let i = 0; i < ta.ctx.cfg.login.maxFailures; i++) await login('rita', 'not the password at all');
        assert.equal((await login('rita', PW)).statusCode, 429);
        await page.reload();
        await row(page, 'rita')
          .getByText(/Locked until/)
          .waitFor();
        await row(page, 'rita').getByRole('button', { name: 'Unlock rita' }).click();
        await page.getByText('rita is unlocked').waitFor();
        assert.equal((await login('rita', PW)).statusCode, 200);
        const actions = (
          await db()
            .selectFrom('audit_log')
            .select('action')
            .where('actor', 'like', 'staff:%')
            .where('action', 'like', 'staff.%')
            .execute()
        ).map((a) => a.action);
        for (const a of ['staff.create', 'staff.update', 'staff.password_reset'])
          assert.ok(actions.includes(a), `${a} is audited`);
      } finally {
        await ctx.close();
      }
    });

    it('admin: API keys — scopes required at the field, the key shown once, last use, revoke with confirmation', async () => {
      const { ctx, page } = await as('ada', '/admin/keys');
      try {
        assert.equal(await heading(page), 'API keys');
        await page.locator('p.count', { hasText: '40 active keys' }).waitFor();
        await axe(page, 'keys');
        await shot(page, 'admin-keys-1440');
        await phone(page, 'admin-keys');
        await page.getByRole('button', { name: 'New API key' }).click();
        const dialog = page.getByRole('dialog', { name: 'New API key' });
        await dialog.getByLabel('Name', { exact: true }).fill('moderation bot');
        await dialog.getByRole('button', { name: 'Create key' }).click();
        await dialog.getByText('Choose at least one scope.').waitFor();
        await dialog.getByLabel('Platform', { exact: true }).fill('chat');
        await dialog.getByLabel(/^ingest/).check();
        await dialog.getByLabel(/^read/).check();
        await dialog.getByRole('button', { name: 'Create key' }).click();
        const once = page.getByRole('dialog', { name: 'API key moderation bot' });
        const key = (await once.locator('[data-secret]').innerText()).trim();
        assert.match(key, /^vk_\d+_/);
        await once.getByRole('button', { name: 'I have kept it' }).click();
        assert.match(await row(page, 'moderation bot').innerText(), /chat[\s\S]*ingest, read[\s\S]*Never/);
        // A use of the key shows as its last use.
        const used = await ta.app.inject({
          method: 'GET',
          url: '/v1/events',
          headers: { authorization: `Bearer ${key}` },
        });
        assert.notEqual(used.statusCode, 401);
        await page.reload();
        assert.match(await row(page, 'moderation bot').locator('td').nth(4).innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
        await row(page, 'moderation bot').getByRole('button', { name: 'Revoke moderation bot' }).click();
        const confirm = page.getByRole('dialog', { name: 'Revoke moderation bot?' });
        assert.match(await confirm.innerText(), /cannot be undone/);
        await confirm.getByRole('button', { name: 'Revoke key' }).click();
        await page.getByText('Key moderation bot is revoked.').waitFor();
        await row(page, 'moderation bot').waitFor({ state: 'detached' }); // revoked keys are hidden by default
        await page.getByLabel('Show revoked keys').check();
        await row(page, 'moderation bot')
          .getByText(/Revoked/)
          .waitFor();
        assert.equal(
          (await ta.app.inject({ method: 'GET', url: '/v1/events', headers: { authorization: `Bearer ${key}` } }))
            .statusCode,
          401,
        );
      } finally {
        await ctx.close();
      }
    });

    it('admin: banks — create (bad name refused at the field), disable with confirmation, enable', async () => {
      const { ctx, page } = await as('ada', '/admin/banks');
      try {
        assert.equal(await heading(page), 'Hash banks');
        await page.locator('p.count', { hasText: '14 banks' }).waitFor();
        assert.match(await row(page, 'PARTNER').innerText(), /320/);
        await axe(page, 'banks');
        await shot(page, 'admin-banks-1440');
        await phone(page, 'admin-banks');
        await page.getByRole('button', { name: 'New bank' }).click();
        const dialog = page.getByRole('dialog', { name: 'New hash bank' });
        await dialog.getByLabel('Name').fill('has spaces');
        await dialog.getByRole('button', { name: 'Create bank' }).click();
        await dialog.locator('.field.invalid', { hasText: /bank names/i }).waitFor();
        await dialog.getByLabel('Name').fill('LIST_00');
        await dialog.getByRole('button', { name: 'Create bank' }).click();
        await dialog.locator('.field.invalid', { hasText: /already exists/ }).waitFor();
        await dialog.getByLabel('Name').fill('SAFE_MEMES');
        await dialog.getByLabel('Kind').selectOption('allow');
        await dialog.getByRole('button', { name: 'Create bank' }).click();
        await row(page, 'SAFE_MEMES').getByText('Allow (known benign)').waitFor();
        await row(page, 'LIST_01').getByRole('button', { name: 'Disable LIST_01' }).click();
        await page
          .getByRole('dialog', { name: 'Disable LIST_01?' })
          .getByRole('button', { name: 'Disable bank' })
          .click();
        await row(page, 'LIST_01').getByText('Disabled', { exact: true }).waitFor();
        assert.equal(
          (await db().selectFrom('banks').select('enabled').where('name', '=', 'LIST_01').executeTakeFirstOrThrow())
            .enabled,
          0,
        );
        await row(page, 'LIST_01').getByRole('button', { name: 'Enable LIST_01' }).click();
        await row(page, 'LIST_01').getByText('Enabled', { exact: true }).waitFor();
        // The link goes to the bank's own URL.
        await row(page, 'PARTNER').getByRole('link', { name: 'PARTNER' }).click();
        assert.equal(await heading(page), 'Bank PARTNER');
        assert.equal(new URL(page.url()).pathname, '/console/admin/banks/PARTNER');
      } finally {
        await ctx.close();
      }
    });

    it("admin: a bank's entries — paging, search by note, hash prefix and number, deconfirm with a reason, import all or nothing, export", async () => {
      const { ctx, page } = await as('ada', '/admin/banks/PARTNER');
      try {
        assert.equal(await heading(page), 'Bank PARTNER');
        const rows = page.locator('table.admin-table tbody tr');
        await rows.first().waitFor();
        assert.equal(await rows.count(), 50);
        await shot(page, 'admin-bank-1440');
        await phone(page, 'admin-bank');
        const firstIds = await rows.locator('td.num').allInnerTexts();
        await page.getByRole('button', { name: 'Next' }).click();
        await page.locator('p.count', { hasText: 'page 2' }).waitFor();
        const secondIds = await rows.locator('td.num').allInnerTexts();
        assert.ok(Number(secondIds[0]) > Number(firstIds.at(-1)), 'page 2 continues after page 1');
        for (let p = 3; p <= 7; p++) {
          await page.getByRole('button', { name: 'Next' }).click();
          await page.locator('p.count', { hasText: `page ${p}` }).waitFor();
        }
        assert.equal(await rows.count(), ENTRIES - 300);
        assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled(), 'the last page has no next');
        await page.getByRole('button', { name: 'Previous' }).click();
        await page.locator('p.count', { hasText: 'page 6' }).waitFor();
        await axe(page, 'bank entries');

        // Search by note (its own URL, so Back returns to it), by hash prefix, by entry number.
        await page.getByLabel('Search entries').fill('lantern');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.locator('p.count', { hasText: 'matching “lantern”' }).waitFor();
        assert.equal(new URL(page.url()).search, '?q=lantern');
        assert.equal(await rows.count(), ENTRIES / 40);
        await page.getByLabel('Search entries').fill(hex(123).slice(0, 12));
        await page.getByRole('button', { name: 'Search' }).click();
        await page.locator('p.count', { hasText: hex(123).slice(0, 12) }).waitFor();
        assert.equal(await rows.count(), 1);
        assert.equal(await rows.locator('code.hash').innerText(), hex(123));
        const id = await rows.locator('td.num').innerText();
        await page.goBack();
        await page.locator('p.count', { hasText: 'matching “lantern”' }).waitFor();
        await page.getByLabel('Search entries').fill(id);
        await page.getByRole('button', { name: 'Search' }).click();
        await page.locator('p.count', { hasText: `matching “${id}”` }).waitFor();
        assert.ok((await rows.locator('td.num').allInnerTexts()).includes(id));
        await page.getByLabel('Search entries').fill('no such thing');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.getByText('No entries match “no such thing”.').waitFor();

        // Deconfirm: a reason is required, at the field; then the entry stops matching.
        await page.goto(`${base}/console/admin/banks/PARTNER?q=${hex(123).slice(0, 12)}`);
        await rows
          .first()
          .getByRole('button', { name: `Deconfirm entry ${id}` })
          .click();
        const dialog = page.getByRole('dialog', { name: `Deconfirm entry ${id}` });
        await dialog.getByRole('button', { name: 'Deconfirm entry' }).click();
        await dialog.locator('.field.invalid', { hasText: 'Give a reason' }).waitFor();
        await dialog.getByLabel('Reason').fill('partner withdrew this hash');
        await dialog.getByRole('button', { name: 'Deconfirm entry' }).click();
        await rows.first().getByText('Deconfirmed', { exact: true }).waitFor();
        assert.equal(
          (
            await db()
              .selectFrom('bank_entries')
              .select('disabled')
              .where('id', '=', Number(id))
              .executeTakeFirstOrThrow()
          ).disabled,
          1,
        );
        await rows
          .first()
          .getByRole('button', { name: `Confirm entry ${id}` })
          .click();
        await page
          .getByRole('dialog', { name: `Confirm entry ${id}` })
          .getByLabel('Reason')
          .fill('checked again by the team');
        await page
          .getByRole('dialog', { name: `Confirm entry ${id}` })
          .getByRole('button', { name: 'Confirm entry' })
          .click();
        await rows.first().getByText('Confirmed', { exact: true }).waitFor();
        assert.deepEqual(
          {
            ...(await db()
              .selectFrom('bank_entries')
              .select(['disabled', 'confirmed'])
              .where('id', '=', Number(id))
              .executeTakeFirstOrThrow()),
          },
          { disabled: 0, confirmed: 1 },
        );

        // Import: a CSV with one bad line refuses everything and names the line.
        const count = async () =>
          Number(
            (
              await db()
                .selectFrom('bank_entries')
                .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('banks.name', '=', 'PARTNER')
                .executeTakeFirstOrThrow()
            ).n,
          );
        await page.goto(`${base}/console/admin/banks/PARTNER`);
        await page.getByRole('button', { name: 'Import list' }).click();
        const imp = page.getByRole('dialog', { name: 'Import a hash list into PARTNER' });
        await imp.getByRole('button', { name: 'Import' }).click();
        await imp.locator('.field.invalid', { hasText: 'Choose a file' }).waitFor();
        const csv = `signal_type,signal,note\npdq,${hex('new-1')},fresh one\npdq,${hex('new-2')},fresh two\nmd5,not-a-hash,broken\npdq,${hex('new-3')},\n`;
        await imp
          .getByLabel('File')
          .setInputFiles({ name: 'partner.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await imp.getByRole('button', { name: 'Import' }).click();
        const fileError = imp.locator('.field.invalid', { hasText: 'Nothing was imported' });
        await fileError.waitFor();
        assert.match(await fileError.innerText(), /line 4: not a md5 hash/i);
        assert.equal(await count(), ENTRIES, 'nothing imported');
        await shot(page, 'admin-bank-import-refused-1440');
        // A large plain list: progress shows while it uploads and is processed, then the outcome.
        const lines = Array.from({ length: 8_000 }, (_, i) => hex(`bulk-${i}`)).join('\n') + `\n${hex(5)}\n`;
        await imp
          .getByLabel('File')
          .setInputFiles({ name: 'bulk.txt', mimeType: 'text/plain', buffer: Buffer.from(lines) });
        await imp.getByLabel('Format').selectOption('plain');
        await imp.getByLabel('Source (optional)').fill('bulk drop');
        // The progress is on screen only while the request runs: record every state it shows as it happens.
        await page.evaluate(() => {
          const seen: string[] = ((window as any).progressSeen = []);
          new MutationObserver(() => {
            const t = document.querySelector('.import-progress')?.textContent;
            if (t && seen.at(-1) !== t) seen.push(t);
          }).observe(document.body, { subtree: true, childList: true, characterData: true });
        });
        await imp.getByRole('button', { name: 'Import' }).click();
        await imp.getByText(/Imported: 8,000 new entries, 1 already in the bank/).waitFor({ timeout: 60_000 });
        assert.equal(await count(), ENTRIES + 8_000);
        const seen: string[] = await page.evaluate(() => (window as any).progressSeen);
        assert.match(seen[0]!, /^Uploading \d+%$/, JSON.stringify(seen));
        // After the upload the server checks every line, then stores: a fast check can pass between two observations,
        // so either phase showing its progress will do.
        assert.ok(
          seen.some((t) => t === 'Checking every line…' || /^Storing /.test(t)),
          JSON.stringify(seen),
        );
        // PostgreSQL's driver lets progress lines out while the rows are stored; SQLite's synchronous writes send them together.
        if (dialect === 'postgres')
          assert.ok(
            seen.some((t) => /^Storing [\d,]+ of 8,001 entries$/.test(t)),
            JSON.stringify(seen),
          );
        await imp.getByRole('button', { name: 'Close' }).click();
        await page.locator('.bank-facts', { hasText: '8,320' }).waitFor();

        // Export: the whole bank as HMA CSV.
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('link', { name: 'Export CSV' }).click(),
        ]);
        const text = readFileSync((await download.path())!, 'utf8');
        const exported = text.trim().split(/\r?\n/);
        assert.equal(exported[0], 'signal_type,signal,external_id,tags,note,source,confirmed,disabled');
        assert.equal(exported.length, ENTRIES + 8_000 + 1);
        assert.ok(text.includes(`${hex(7)},,,Batch lantern 7,partner,0,0`));
      } finally {
        await ctx.close();
      }
    });

    it('admin: exchanges — a failed page with its error and checkpoint, then fetch now resumes', async () => {
      const { ctx, page } = await as('ada', '/admin/exchanges');
      try {
        assert.equal(await heading(page), 'Hash exchanges');
        assert.match(await row(page, 'NCMEC').innerText(), /Never[\s\S]*none \(next fetch starts from the beginning\)/);
        ncmec.failOn.add(2);
        await row(page, 'NCMEC').getByRole('button', { name: 'Fetch now: NCMEC' }).click();
        await page.getByText(/NCMEC: the fetch failed/).waitFor();
        const r = row(page, 'NCMEC');
        await r.locator('.error').waitFor();
        assert.match(await r.locator('.checkpoint').innerText(), /start=3/);
        await axe(page, 'exchanges');
        await shot(page, 'admin-exchanges-1440');
        await phone(page, 'admin-exchanges');
        await r.getByRole('button', { name: 'Fetch now: NCMEC' }).click();
        await page.getByText(/NCMEC: fetched \d+ pages?; \d+ entries added/).waitFor();
        assert.match(await r.locator('td').nth(3).innerText(), /None/);
        assert.ok(Number(await r.locator('td.num').innerText()) > 0);
        await r.getByRole('button', { name: 'Pause NCMEC' }).click();
        await r.getByText('Paused', { exact: true }).waitFor();
        assert.equal(
          (await db().selectFrom('exchanges').select('enabled').where('name', '=', 'NCMEC').executeTakeFirstOrThrow())
            .enabled,
          0,
        );
        await r.getByRole('link', { name: 'NCMEC' }).click();
        assert.equal(await heading(page), 'Bank NCMEC');
      } finally {
        await ctx.close();
      }
    });

    it('lead: banks and exchanges, not staff or keys — the console does not offer them and the server refuses', async () => {
      const { ctx, page } = await as('lou', '/admin/banks');
      try {
        assert.equal(await heading(page), 'Hash banks');
        const sub = page.getByRole('navigation', { name: 'Admin pages' });
        assert.equal(await sub.getByRole('link', { name: 'Hash banks' }).count(), 1);
        assert.equal(await sub.getByRole('link', { name: 'Exchanges' }).count(), 1);
        assert.equal(await page.getByRole('link', { name: 'Staff', exact: true }).count(), 0);
        assert.equal(await page.getByRole('link', { name: 'API keys', exact: true }).count(), 0);
        assert.equal(
          await page.getByRole('button', { name: 'New bank' }).count(),
          1,
          'leads manage banks (the server allows it)',
        );
        await axe(page, 'banks as lead');
        for (const path of ['/admin/staff', '/admin/keys']) {
          await page.goto(`${base}/console${path}`);
          assert.equal(await heading(page), 'Not available to your role');
        }
        assert.equal(await call(page, 'GET', '/v1/staff'), 403);
        assert.equal(await call(page, 'POST', '/v1/staff', { username: 'sneaky', role: 'admin' }), 403);
        assert.equal(await call(page, 'POST', '/v1/staff/1/reset-password'), 403);
        assert.equal(await call(page, 'GET', '/v1/api-keys'), 403);
        assert.equal(await call(page, 'POST', '/v1/api-keys', { name: 'x', scopes: ['ingest'] }), 403);
        assert.equal(await call(page, 'DELETE', '/v1/api-keys/1'), 403);
        await page.goto(`${base}/console/admin/exchanges`);
        assert.equal(await heading(page), 'Hash exchanges');
        await row(page, 'NCMEC').getByRole('button', { name: 'Fetch now: NCMEC' }).waitFor();
      } finally {
        await ctx.close();
      }
    });

    for (const who of ['rita', 'aud', 'lena']) {
      it(`${who === 'rita' ? 'reviewer' : who === 'aud' ? 'auditor' : 'legal'}: no admin screen of this area, and the server refuses its changes`, async () => {
        const { ctx, page } = await as(who, '/admin/staff');
        try {
          for (const path of [
            '/admin/staff',
            '/admin/keys',
            '/admin/banks',
            '/admin/banks/PARTNER',
            '/admin/exchanges',
          ]) {
            await page.goto(`${base}/console${path}`);
            const h = await heading(page).catch(async (e) => {
              await shot(page, `admin-failed-${who}`);
              throw new Error(`${path}: ${(e as Error).message}`);
            });
            assert.equal(h, 'Not available to your role', path);
          }
          for (const label of ['Staff', 'API keys', 'Hash banks', 'Exchanges'])
            assert.equal(await page.getByRole('link', { name: label, exact: true }).count(), 0, label);
          await axe(page, `not available (${who})`);
          assert.equal(await call(page, 'GET', '/v1/staff'), 403);
          assert.equal(await call(page, 'POST', '/v1/banks', { name: 'MINE' }), 403);
          assert.equal(await call(page, 'PATCH', '/v1/banks/PARTNER', { enabled: false }), 403);
          assert.equal(
            await call(page, 'POST', '/v1/banks/PARTNER/entries/1/deconfirm', { reason: 'not mine to do' }),
            403,
          );
          assert.equal(await call(page, 'POST', '/v1/exchanges/NCMEC/fetch'), 403);
          assert.equal(await call(page, 'POST', '/v1/api-keys', { name: 'x', scopes: ['ingest'] }), 403);
        } finally {
          await ctx.close();
        }
      });
    }
  });
