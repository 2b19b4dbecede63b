// The policy screens in Chromium against a real server, on both storage dialects: rules (errors at the line and
// column, shadow mode, backtest on a few hundred stored events, a diff between versions), term lists (a bad line
// refused with which and why, versions and their diff, "try it"), and webhooks (endpoints with secrets shown
// once, rotation, deletion; a few hundred deliveries filtered, paged and retried; the old outbox URL). Each role
// sees only what the server lets it do, and the server refuses the rest. All text and data are made up and benign.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axe, ensureConsoleBuilt, heading, launch, shot, signIn } from './browser.ts';
import { DIALECTS, silentLog, testApp, type TestApp } from '../../server/test/helpers.ts';
import { createStaff } from '../../server/src/auth/staff.ts';
import { ensureDefaultRules, saveRule } from '../../server/src/detect/rules-store.ts';
import { saveTermList } from '../../server/src/detect/term-lists.ts';
import { ingestEvents, validateEvents } from '../../server/src/ingest/ingest.ts';
import { deliverDue, emitWebhook, newWebhookSecret } from '../../server/src/webhooks/outbox.ts';

const PW = 'policy test password 1';
const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const EVENTS = 300;
const DEAD = 130;
/** Made-up code words: nothing in this test is abusive text. */
const LIST = {
  name: 'test-list',
  terms: [
    { term: 'orchid', kind: 'coded', category: 'test', weight: 2 },
    { term: 'swap', kind: 'exchange', category: 'test', weight: 1 },
  ],
  combinations: [{ name: 'coded+exchange', kinds: ['coded', 'exchange'], weight: 2, severity: 'high' }],
};

for (const dialect of DIALECTS)
  describe(`policy screens in Chromium (${dialect})`, () => {
    let ta: TestApp;
    let browser: Browser;
    let receiver: http.Server;
    let base = '';
    let deadEndpoint = 0;
    const db = () => ta.ctx.db.kysely;

    async function as(username: string, path: string): Promise<{ ctx: BrowserContext; page: Page }> {
      const ctx = await browser.newContext({ viewport: WIDE });
      const page = await ctx.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${base}/console${path}`);
      // Other test files may be rebuilding the console's dist at this moment: one reload covers that window.
      await page
        .locator('input[name=username]')
        .waitFor({ timeout: 15_000 })
        .catch(() => page.reload());
      await signIn(page, username, PW);
      return { ctx, page };
    }
    async function phone(page: Page, name: string) {
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(50);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than a 390 px screen`);
      await shot(page, `${name}-390`, true);
      await page.setViewportSize(WIDE);
    }
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

    before(async () => {
      ensureConsoleBuilt();
      ta = await testApp(dialect, { webhooks: { maxAttempts: 1, timeoutMs: 2000, allowPrivateTargets: true } });
      for (const [username, role] of [
        ['ada', 'admin'],
        ['lee', 'lead'],
        ['rex', 'reviewer'],
      ] as const)
        await createStaff(db(), { username, role, password: PW }, 'test', ta.clock);
      await ensureDefaultRules(db(), ta.clock);
      await saveRule(
        db(),
        {
          name: 'hiker-names',
          description: 'Accounts named like the hiking club.',
          expression: "event.type == 'account.created'",
          outcome: { type: 'label', label: 'hiker' },
          mode: 'shadow',
        },
        'test',
        ta.clock,
      );
      await saveRule(
        db(),
        {
          name: 'hiker-names',
          description: 'Accounts named like the hiking club.',
          expression: "event.type == 'account.created' &&\n  event.account.username.startsWith('hiker')",
          outcome: { type: 'label', label: 'hiker' },
          mode: 'shadow',
        },
        'test',
        ta.clock,
      );
      await saveTermList(db(), LIST, 'test', ta.clock);
      await saveTermList(db(), { ...LIST, threshold: 2 }, 'test', ta.clock);
      // A few hundred stored events for the backtest: a third of the accounts are "hikers".
      const at = (i: number) => new Date(ta.clock.now().getTime() - (i + 1) * 60_000).toISOString();
      const events = Array.from({ length: EVENTS }, (_, i) => ({
        id: `e-${i}`,
        type: 'account.created',
        occurred_at: at(i),
        account: { id: `acc-${i}`, username: i % 3 === 0 ? `hiker_${i}` : `walker_${i}` },
      }));
      await ingestEvents(db(), 'default', validateEvents(events), ta.clock);
      // Webhooks: one endpoint nobody listens on (its deliveries die), one that answers.
      receiver = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const now = ta.clock.now().toISOString();
      const [dead, live] = await db()
        .insertInto('webhook_endpoints')
        .values([
          { url: 'http://127.0.0.1:9/hooks', secret: newWebhookSecret(), events: '*', enabled: 1, created_at: now },
          {
            url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
            secret: newWebhookSecret(),
            events: 'enforcement.action',
            enabled: 1,
            created_at: now,
          },
        ])
        .returning('id')
        .execute();
      deadEndpoint = Number(dead!.id);
      for (let i = 0; i < DEAD; i++)
        await db()
          .transaction()
          .execute((trx) => emitWebhook(trx, i % 2 ? 'enforcement.action' : 'case.closed', { n: i }, ta.clock));
      while (
        await deliverDue({
          db: ta.ctx.db,
          clock: ta.clock,
          log: silentLog,
          maxAttempts: 1,
          timeoutMs: 2000,
          allowPrivate: true,
          batch: 200,
        })
      );
      assert.ok(live);
      base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      receiver?.close();
      await ta?.close();
    });

    it(
      'rules: list, an error at its line and column, save, shadow mode, backtest, diff',
      { timeout: 120_000 },
      async () => {
        const { ctx, page } = await as('ada', '/admin/rules');
        assert.equal(await heading(page), 'Rules');
        const row = page.locator('table.data tbody tr', { hasText: 'hiker-names' });
        assert.match(await row.innerText(), /hiker-names[\s\S]*\b2\b[\s\S]*Enabled[\s\S]*Shadow/);
        assert.equal(await page.locator('table.data tbody tr').count(), 8);
        await axe(page, 'rules');
        await shot(page, 'policy-rules');
        await phone(page, 'policy-rules');

        await row.getByRole('link', { name: 'hiker-names' }).click();
        await page.waitForURL(/\/console\/admin\/rules\?rule=hiker-names$/);
        const expr = page.getByLabel('Expression (CEL)');
        assert.match(await expr.inputValue(), /startsWith\('hiker'\)/);
        // An unknown function on line 2: refused at the field, with the line, column and a caret.
        await expr.fill("event.type == 'account.created' &&\n  nosuch(event.account.username)");
        await page.getByRole('button', { name: 'Save new version' }).click();
        const err = page.locator('.field.invalid', { has: expr });
        await err.locator('.error').waitFor();
        assert.match(await err.innerText(), /unbound function: nosuch \(line 2, column 3\)/);
        assert.equal(await expr.getAttribute('aria-invalid'), 'true');
        assert.equal((await page.locator('pre.caret').innerText()).split('\n')[1], '  ^');
        await axe(page, 'rule with an error');
        await shot(page, 'policy-rule-error');
        assert.equal(
          await db()
            .selectFrom('rule_versions')
            .select('version')
            .where('rule_id', '=', db().selectFrom('rules').select('id').where('name', '=', 'hiker-names'))
            .execute()
            .then((r) => r.length),
          2,
          'nothing saved',
        );

        // Backtest what is in the editor (fixed), then save it.
        await expr.fill("event.type == 'account.created' &&\n  event.account.username.startsWith('hiker_1')");
        await page.getByRole('button', { name: 'Run backtest' }).click();
        const result = page.getByRole('region', { name: 'Backtest result' });
        await result.waitFor();
        const hikers1 = Array.from({ length: EVENTS }, (_, i) => i).filter(
          (i) => i % 3 === 0 && String(i).startsWith('1'),
        ).length;
        assert.match(
          await result.locator('p.count').innerText(),
          new RegExp(
            `^${hikers1} of ${EVENTS} events from the last 30 days would have matched, on ${hikers1} subjects`,
          ),
        );
        assert.equal(await result.locator('tbody tr').count(), hikers1);
        await shot(page, 'policy-rule-backtest', true);
        await page.getByRole('button', { name: 'Save new version' }).click();
        await page.getByText('Saved hiker-names as version 3.').waitFor();

        // Shadow mode from the list: a new version, active.
        await page.getByRole('button', { name: 'Make active: hiker-names' }).click();
        await page.getByText('hiker-names is active (version 4).').waitFor();
        assert.equal(
          (
            await db()
              .selectFrom('rules')
              .select(['mode', 'version'])
              .where('name', '=', 'hiker-names')
              .executeTakeFirstOrThrow()
          ).mode,
          'active',
        );

        // Versions and a diff between 2 and 4.
        const versions = page.locator('section[aria-labelledby=rule-versions]');
        await versions.locator('tbody tr').nth(3).waitFor();
        await versions.getByLabel('From version', { exact: true }).selectOption('2');
        await versions.getByLabel('To version', { exact: true }).selectOption('4');
        assert.match(
          await versions.locator('.diff-summary').innerText(),
          /version 2 → version 4: 2 lines added, 2 removed/,
        );
        assert.equal(await versions.locator('.diff tr.del').count(), 2);
        assert.match(await versions.locator('.diff tr.add').first().innerText(), /startsWith\('hiker_1'\)/);
        await shot(page, 'policy-rule-versions', true);
        await axe(page, 'rule versions');

        // A new rule: a bad name refused at the field.
        await page.getByRole('button', { name: 'New rule' }).click();
        await page.waitForURL(/\?new=1$/);
        await page.getByLabel('Name', { exact: true }).fill('Bad Name!');
        await page.getByLabel('Expression (CEL)').fill('true');
        await page.getByRole('button', { name: 'Create rule' }).click();
        assert.match(
          await page.locator('.field.invalid', { has: page.getByLabel('Name', { exact: true }) }).innerText(),
          /lower-case letters/,
        );
        await page.getByLabel('Name', { exact: true }).fill('always-label');
        await page.getByLabel('Outcome (JSON)').fill('{"type":"label","label":"everything"}');
        await page.getByRole('button', { name: 'Create rule' }).click();
        await page.waitForURL(/\?rule=always-label$/);
        const saved = await db()
          .selectFrom('rules')
          .select(['mode', 'version'])
          .where('name', '=', 'always-label')
          .executeTakeFirstOrThrow();
        assert.deepEqual(saved, { mode: 'shadow', version: 1 }, 'new rules start in shadow mode');
        // Creating replaced the "new rule" entry in the history: Back returns to the rule before.
        await page.goBack();
        await page.waitForURL(/\?rule=hiker-names$/);
        await page.getByRole('heading', { name: /Edit hiker-names/ }).waitFor();
        await ctx.close();
      },
    );

    it(
      'term lists: a bad line refused with which and why, save, try it, versions and diff',
      { timeout: 120_000 },
      async () => {
        const { ctx, page } = await as('lee', '/admin/terms');
        assert.equal(await heading(page), 'Term lists');
        await page.getByText('In force: version 2').waitFor();
        await page.getByText('Term lists have no shadow mode').waitFor();
        const editor = page.getByLabel('Term list (JSON)');
        await page.waitForFunction(() =>
          (document.getElementById('term-editor') as HTMLTextAreaElement | null)?.value.includes('orchid'),
        );
        const text = await editor.inputValue();
        const lines = text.split('\n');
        const swapLine = lines.findIndex((l) => l.includes('"swap"')) + 1;
        // A kind that does not exist on the line of the second term: the server refuses it and the line is named.
        await editor.fill(text.replace('"kind":"exchange"', '"kind":"trade-ish"'));
        await page.getByRole('button', { name: 'Save as new version' }).click();
        const problems = page.locator('ul.at-line');
        await problems.waitFor();
        assert.match(
          await problems.innerText(),
          new RegExp(`Line ${swapLine}, column \\d+: Term 2, kind: Invalid option`),
        );
        assert.equal(await editor.getAttribute('aria-invalid'), 'true');
        await axe(page, 'term list with a bad line');
        await shot(page, 'policy-terms-error');
        // Broken JSON (a missing comma) is refused at its line before anything is sent.
        await editor.fill(text.replace('"term":"swap",', '"term":"swap" '));
        await page.getByRole('button', { name: 'Save as new version' }).click();
        await page.getByText(new RegExp(`Line ${swapLine}, column \\d+: JSON: a comma was expected`)).waitFor();
        assert.equal((await db().selectFrom('term_lists').select('version').execute()).length, 2, 'nothing saved');
        // A good edit: a third term.
        await editor.fill(
          text.replace(
            '"terms": [\n',
            '"terms": [\n    {"term":"tulip","kind":"coded","category":"test","weight":2},\n',
          ),
        );
        await page.getByRole('button', { name: 'Save as new version' }).click();
        await page.getByText('Saved as version 3 (3 terms). It is in force now.').waitFor();
        await page.getByText('In force: version 3').waitFor();

        // Try it: the list in force, then the draft.
        await page.getByLabel('Text to try').fill('Tulip SWAP on Sunday');
        await page.getByRole('button', { name: 'Try', exact: true }).click();
        const tried = page.getByRole('region', { name: 'Try-it result' });
        await tried.waitFor();
        assert.match(await tried.locator('p.count').innerText(), /^Flagged: 1 match \(score 2\).*version 3/);
        assert.match(
          await tried.locator('tbody tr').first().innerText(),
          /Match[\s\S]*“Tulip” \(coded: tulip\), “SWAP” \(exchange: swap\)[\s\S]*coded\+exchange[\s\S]*high/,
        );
        await editor.fill(text); // the draft without tulip
        await page.getByLabel('List', { exact: true }).selectOption('draft');
        await page.getByRole('button', { name: 'Try', exact: true }).click();
        await tried.getByText(/^Not flagged.*the draft/).waitFor();
        await shot(page, 'policy-terms-try', true);

        // Versions: editing from the version in force drops the draft's changes and takes focus to the editor.
        const versions = page.locator('section[aria-labelledby=term-versions]');
        await versions.getByRole('button', { name: 'Edit from version 3' }).click();
        await page.waitForFunction(() =>
          (document.getElementById('term-editor') as HTMLTextAreaElement).value.includes('tulip'),
        );
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'term-editor');
        // A diff between 1 and 3 shows the threshold and the new term.
        await versions.getByLabel('From version', { exact: true }).selectOption('1');
        await versions.getByLabel('To version', { exact: true }).selectOption('3');
        await versions.locator('.diff').waitFor();
        assert.match(
          await versions.locator('.diff-summary').innerText(),
          /version 1 → version 3: 2 lines added, 1 removed/,
        );
        assert.match(
          await versions
            .locator('.diff tr.add')
            .allInnerTexts()
            .then((t) => t.join('\n')),
          /"threshold": 2[\s\S]*tulip/,
        );
        await axe(page, 'term lists');
        await shot(page, 'policy-terms');
        await phone(page, 'policy-terms');
        await ctx.close();
      },
    );

    it(
      'webhooks as admin: create (secret once), rotate, delete; deliveries filtered, paged, retried',
      { timeout: 120_000 },
      async () => {
        const { ctx, page } = await as('ada', '/admin/webhooks');
        assert.equal(await heading(page), 'Webhooks');
        const endpoints = page.locator('section[aria-labelledby=endpoints-heading]');
        await endpoints.locator('tbody tr').nth(1).waitFor();
        await axe(page, 'webhooks');
        await shot(page, 'policy-webhooks');
        await phone(page, 'policy-webhooks');

        // Create, by keyboard: the dialog takes focus, refuses a bad URL at the field, shows the secret once.
        await page.getByRole('button', { name: 'New endpoint' }).focus();
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'New webhook endpoint' });
        await dialog.waitFor();
        assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'url');
        await page.keyboard.press('Shift+Tab');
        assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'focus stays in the dialog');
        // Escape closes it and gives focus back to the button that opened it.
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'New endpoint');
        await page.keyboard.press('Enter');
        await dialog.waitFor();
        await dialog.getByLabel('URL').fill('not a url');
        await dialog.getByLabel('URL').press('Enter');
        assert.match(await dialog.locator('.field.invalid').innerText(), /Write the full URL/);
        await axe(page, 'new endpoint dialog');
        await dialog.getByLabel('URL').fill('http://127.0.0.1:9/new-hooks');
        await dialog.getByLabel('Events').fill('enforcement.action, enforcement.reversed');
        await dialog.getByRole('button', { name: 'Create endpoint' }).click();
        const once = page.getByRole('dialog', { name: /Signing secret of endpoint/ });
        const secret = await once.locator('[data-secret]').innerText();
        const created = await db()
          .selectFrom('webhook_endpoints')
          .select(['id', 'secret', 'events'])
          .where('url', '=', 'http://127.0.0.1:9/new-hooks')
          .executeTakeFirstOrThrow();
        assert.equal(secret, created.secret);
        assert.equal(created.events, 'enforcement.action,enforcement.reversed');
        await shot(page, 'policy-webhook-secret');
        await once.getByRole('button', { name: 'I have kept it' }).click();
        assert.equal(
          await page.evaluate((s) => document.body.innerText.includes(s), secret),
          false,
          'the secret is gone once kept',
        );
        await page.getByRole('button', { name: 'New endpoint' }).waitFor();

        // Rotate: confirmed, a new secret shown once.
        await page.getByRole('button', { name: `Rotate secret of endpoint ${created.id}` }).click();
        await page
          .getByRole('dialog', { name: /Rotate the secret/ })
          .getByRole('button', { name: 'Rotate secret' })
          .click();
        const rotated = await page
          .getByRole('dialog', { name: /New signing secret/ })
          .locator('[data-secret]')
          .innerText();
        assert.notEqual(rotated, secret);
        assert.equal(
          (
            await db()
              .selectFrom('webhook_endpoints')
              .select('secret')
              .where('id', '=', created.id)
              .executeTakeFirstOrThrow()
          ).secret,
          rotated,
        );
        await page.getByRole('button', { name: 'I have kept it' }).click();
        // An event waits for the new endpoint; deleting the endpoint cancels it.
        await db()
          .transaction()
          .execute((trx) => emitWebhook(trx, 'enforcement.reversed', { n: 'x' }, ta.clock));
        // Delete: confirmed; Cancel first changes nothing.
        await page.getByRole('button', { name: `Delete endpoint ${created.id}` }).click();
        await page
          .getByRole('dialog', { name: /Delete endpoint/ })
          .getByRole('button', { name: 'Cancel' })
          .click();
        assert.equal(
          (
            await db()
              .selectFrom('webhook_endpoints')
              .select('enabled')
              .where('id', '=', created.id)
              .executeTakeFirstOrThrow()
          ).enabled,
          1,
        );
        await page.getByRole('button', { name: `Delete endpoint ${created.id}` }).click();
        await page
          .getByRole('dialog', { name: /Delete endpoint/ })
          .getByRole('button', { name: 'Delete endpoint' })
          .click();
        await endpoints.locator('tbody tr', { hasText: 'new-hooks' }).getByText('Deleted').waitFor();
        await page.getByText(`Endpoint ${created.id} is deleted; 1 waiting delivery was cancelled.`).waitFor();
        await page.getByRole('button', { name: `Dead letters of endpoint ${created.id}` }).click();
        const cancelledRow = page.locator('section[aria-labelledby=deliveries-heading] tbody tr');
        await cancelledRow.getByText('endpoint deleted', { exact: true }).waitFor();
        assert.match(await cancelledRow.innerText(), /enforcement\.reversed[\s\S]*Dead letter[\s\S]*Endpoint deleted/);
        assert.equal(
          await page.getByRole('button', { name: /^Retry/ }).count(),
          0,
          'no retry is offered for a deleted endpoint',
        );

        // Deliveries: the dead endpoint's dead letters, 50 a page, by URL.
        await page.getByRole('button', { name: `Dead letters of endpoint ${deadEndpoint}` }).click();
        await page.waitForURL(new RegExp(`/console/admin/webhooks\\?endpoint=${deadEndpoint}&status=dead$`));
        const deliveries = page.locator('section[aria-labelledby=deliveries-heading]');
        const rows = deliveries.locator('tbody tr');
        await page.waitForFunction(
          () => document.querySelectorAll('section[aria-labelledby=deliveries-heading] tbody tr').length === 50,
        );
        assert.equal(
          await deliveries.getByLabel('Endpoint #').inputValue(),
          String(deadEndpoint),
          'the filter shows what the URL says',
        );
        assert.match(await rows.first().innerText(), /Dead letter[\s\S]*\b1\b/);
        assert.ok((await rows.first().locator('td').nth(5).innerText()).length > 0, 'the last error is shown');
        await deliveries.getByRole('button', { name: 'Next' }).click();
        await page.waitForURL(/page=1$/);
        await deliveries.getByRole('button', { name: 'Next' }).click();
        await page.waitForURL(/page=2$/);
        await page.waitForFunction(
          (n) => document.querySelectorAll('section[aria-labelledby=deliveries-heading] tbody tr').length === n,
          DEAD - 100,
        );
        assert.equal(await deliveries.getByRole('button', { name: 'Next' }).isDisabled(), true);
        await page.goBack();
        await page.waitForURL(/page=1$/);
        await page.waitForFunction(
          () => document.querySelectorAll('section[aria-labelledby=deliveries-heading] tbody tr').length === 50,
        );
        // Retry one, then all of the endpoint's dead letters.
        const first = await rows.first().locator('td').first().innerText();
        await deliveries.getByRole('button', { name: `Retry delivery ${first}` }).click();
        await page.getByText(`Delivery ${first} will be sent again shortly.`).waitFor();
        assert.equal(
          (
            await db()
              .selectFrom('webhook_outbox')
              .select('status')
              .where('id', '=', Number(first))
              .executeTakeFirstOrThrow()
          ).status,
          'pending',
        );
        await deliveries.getByRole('button', { name: `Retry all dead letters of endpoint ${deadEndpoint}` }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Retry all' }).click();
        await page.getByText(`${DEAD - 1} dead letters of endpoint ${deadEndpoint} will be sent again.`).waitFor();
        await deliveries.getByLabel('Status').selectOption('pending');
        await page.waitForURL(/status=pending/);
        await deliveries.locator('tbody tr').first().waitFor();
        await shot(page, 'policy-webhook-deliveries', true);
        await axe(page, 'deliveries');
        await ctx.close();
      },
    );

    it(
      'a lead sees deliveries but no endpoints; the old outbox URL lands on webhooks; the server agrees',
      { timeout: 60_000 },
      async () => {
        const { ctx, page } = await as('lee', '/outbox');
        await page.waitForURL(/\/console\/admin\/webhooks$/);
        assert.equal(await heading(page), 'Webhooks');
        await page.locator('section[aria-labelledby=deliveries-heading] tbody tr').first().waitFor();
        assert.equal(await page.getByRole('button', { name: 'New endpoint' }).count(), 0);
        assert.equal(await page.locator('section[aria-labelledby=endpoints-heading]').count(), 0);
        assert.equal(await call(page, 'GET', '/v1/webhooks'), 403);
        assert.equal(await call(page, 'POST', '/v1/webhooks', { url: 'https://example.org/x' }), 403);
        assert.equal(await call(page, 'POST', `/v1/webhooks/${deadEndpoint}/secret`, {}), 403);
        assert.equal(await call(page, 'DELETE', `/v1/webhooks/${deadEndpoint}`), 403);
        assert.equal(await call(page, 'POST', `/v1/webhooks/${deadEndpoint}/retry-dead`, {}), 200);
        // The admin section's navigation offers a lead the policy pages the server lets a lead use.
        const sub = page.getByRole('navigation', { name: 'Admin pages' });
        for (const name of ['Rules', 'Term lists', 'Webhooks'])
          assert.equal(await sub.getByRole('link', { name, exact: true }).count(), 1, name);
        await axe(page, 'webhooks as lead');
        await shot(page, 'policy-webhooks-lead');
        await ctx.close();
      },
    );

    it('a reviewer is offered none of it, and the server refuses it', { timeout: 60_000 }, async () => {
      const { ctx, page } = await as('rex', '/admin/rules');
      assert.equal(await heading(page), 'Not available to your role');
      for (const name of ['Rules', 'Term lists', 'Webhooks'])
        assert.equal(await page.getByRole('link', { name, exact: true }).count(), 0, name);
      for (const path of ['/admin/terms', '/admin/webhooks']) {
        await page.goto(`${base}/console${path}`);
        assert.equal(await heading(page), 'Not available to your role');
      }
      await axe(page, 'not available');
      assert.equal(
        await call(page, 'PUT', '/v1/rules/hiker-names', {
          expression: 'true',
          outcome: { type: 'label', label: 'x' },
        }),
        403,
      );
      assert.equal(
        await call(page, 'POST', '/v1/rules/backtest', {
          expression: 'true',
          outcome: { type: 'label', label: 'x' },
          since: new Date(0).toISOString(),
        }),
        403,
      );
      assert.equal(await call(page, 'PUT', '/v1/term-list', LIST), 403);
      assert.equal(await call(page, 'GET', '/v1/webhooks/deliveries'), 403);
      assert.equal(await call(page, 'POST', `/v1/webhooks/${deadEndpoint}/retry-dead`, {}), 403);
      await ctx.close();
    });
  });
