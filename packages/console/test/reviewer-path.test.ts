// The whole reviewer path in Chromium against a real server with a few hundred cases: search, filters that
// keep their options, paging, bulk-deciding 50 cases, decide and next, a deep link in a fresh browser
// context after sign-in, reload and Back, a 390 px phone, a keyboard-only run, the shortcut list, and
// axe-core on every main page. Screenshots go to /tmp/shots (or VIGIL_SHOTS).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from './browser.ts';
import { DIALECTS, testApp, silentLog, type TestApp } from '../../server/test/helpers.ts';
import { createStaff } from '../../server/src/auth/staff.ts';
import { ensureDefaultRules } from '../../server/src/detect/rules-store.ts';
import { ingestEvents, validateEvents } from '../../server/src/ingest/ingest.ts';
import { Worker } from '../../server/src/queue/worker.ts';
import { jobHandlers } from '../../server/src/service.ts';
import { attachToCase } from '../../server/src/review/task-store.ts';
import { ensureDefaultTermList } from '../../server/src/detect/term-lists.ts';
import { demoMediaRoute, writeDemoImages } from '../../server/src/demo/images.ts';
import { loadConfig } from '../../server/src/config.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const SHOTS = process.env.VIGIL_SHOTS ?? '/tmp/shots';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CASES = 240;

for (const dialect of DIALECTS)
  describe(`the reviewer path in Chromium (${dialect})`, () => {
    let ta: TestApp;
    let browser: Browser;
    let base = '';
    const shot = (page: Page, name: string, fullPage = false) =>
      page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

    /** axe-core in the page: no serious or critical violation. */
    async function axe(page: Page, what: string) {
      await page.addScriptTag({ content: AXE });
      const r = await page.evaluate(async () =>
        (
          await (window as any).axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
          })
        ).violations.map((v: any) => ({
          id: v.id,
          impact: v.impact,
          nodes: v.nodes.length,
          target: v.nodes[0]?.target,
        })),
      );
      const bad = r.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad, [], `${what}: ${JSON.stringify(bad)}`);
    }

    async function signIn(page: Page, username = 'rita', password = 'rita password 123') {
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', password);
      await page.click('button[type=submit]');
    }
    const total = async (page: Page) =>
      Number(/([\d,]+) (open |closed )?cases?/.exec(await page.locator('p.count').innerText())![1]!.replace(/,/g, ''));
    const openCases = () =>
      ta.ctx.db.kysely
        .selectFrom('cases')
        .select('id')
        .where('status', '=', 'open')
        .execute()
        .then((r) => r.length);

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      ensureConsoleBuilt();
      const mediaDir = await writeDemoImages(mkdtempSync(join(tmpdir(), 'vigil-media-')));
      ta = await testApp(dialect, { media: { ...loadConfig({ env: {} }).media, allowPrivateFetch: true } }, [
        demoMediaRoute(mediaDir),
      ]);
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      await ensureDefaultTermList(ta.ctx.db.kysely, ta.clock);
      await createStaff(
        ta.ctx.db.kysely,
        { username: 'rita', role: 'reviewer', password: 'rita password 123' },
        'test',
        ta.clock,
      );
      await createStaff(
        ta.ctx.db.kysely,
        { username: 'sam', role: 'reviewer', password: 'sam password 1234' },
        'test',
        ta.clock,
      );
      const db = ta.ctx.db.kysely;
      const now = ta.clock.now().toISOString();
      // Generated subjects, each with work attached through the same entry point detection uses.
      for (let i = 0; i < CASES; i++) {
        const group = i % 8 === 5;
        const id = group ? `grp-${i}` : `acc-${i}`;
        if (group)
          await db
            .insertInto('groups')
            .values({
              platform: 'default',
              id,
              name: `Hiking club ${i}`,
              description: null,
              avatar: null,
              member_count: 4,
              invite_link: null,
              created_at: now,
              first_seen_at: now,
              updated_at: now,
              event_count: 1,
            })
            .execute();
        else
          await db
            .insertInto('accounts')
            .values({
              platform: 'default',
              id,
              username: `member_${i}`,
              display_name: `Member ${i}`,
              bio: null,
              avatar: null,
              created_at: now,
              first_seen_at: now,
              updated_at: now,
              event_count: 1,
            })
            .execute();
        const [queue, priority, reason] = group
          ? ['groups', 80, 'rapid joins through one invite link']
          : ((i % 3 === 0
              ? ['user-reports', 75, 'user report: child safety']
              : ['accounts', 45 + (i % 5), 'coded terms on an account profile']) as [string, number, string]);
        await db
          .transaction()
          .execute((trx) =>
            attachToCase(
              trx,
              { platform: 'default', subjectType: group ? 'group' : 'account', subjectId: id, queue, priority, reason },
              ta.clock,
            ),
          );
      }
      // A second case in the "cp_links" search, so "decide and next" has somewhere to go (lowest priority: the bulk step leaves it).
      await db
        .insertInto('accounts')
        .values({
          platform: 'default',
          id: 'acc-cp2',
          username: 'cp_links_two',
          display_name: null,
          bio: null,
          avatar: null,
          created_at: now,
          first_seen_at: now,
          updated_at: now,
          event_count: 1,
        })
        .execute();
      await db.transaction().execute((trx) =>
        attachToCase(
          trx,
          {
            platform: 'default',
            subjectType: 'account',
            subjectId: 'acc-cp2',
            queue: 'accounts',
            priority: 40,
            reason: 'coded terms on an account profile',
          },
          ta.clock,
        ),
      );
      // One subject through the real pipeline: coded terms in a profile, with a user report on top.
      await ingestEvents(
        db,
        'default',
        validateEvents([
          {
            id: 't1',
            type: 'account.created',
            occurred_at: now,
            account: {
              id: 'u-terms',
              username: 'cp_links_dm',
              display_name: 'trade vids',
              bio: 'dm for links, swap only',
            },
          },
          {
            id: 't2',
            type: 'report.filed',
            occurred_at: now,
            report: {
              id: 'rep-t',
              reporter_id: 'acc-1',
              subject: { type: 'account', id: 'u-terms' },
              reason: 'child_safety',
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
      base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
      await createStaff(
        ta.ctx.db.kysely,
        { username: 'lena', role: 'lead', password: 'lena password 123' },
        'test',
        ta.clock,
      );
      // A subject with a (benign, generated) profile photo, for the exposure limits.
      await db
        .insertInto('accounts')
        .values({
          platform: 'default',
          id: 'acc-photo',
          username: 'photo_person',
          display_name: 'Photo Person',
          bio: null,
          avatar: JSON.stringify({ url: `${base}/demo-media/avatar-stand-in.png`, mime: 'image/png' }),
          created_at: now,
          first_seen_at: now,
          updated_at: now,
          event_count: 1,
        })
        .execute();
      await db.transaction().execute((trx) =>
        attachToCase(
          trx,
          {
            platform: 'default',
            subjectType: 'account',
            subjectId: 'acc-photo',
            queue: 'accounts',
            priority: 30,
            reason: 'profile photo reported',
          },
          ta.clock,
        ),
      );
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
    });
    after(async () => {
      await browser?.close();
      await ta?.close();
    });

    let context: BrowserContext;
    let page: Page;
    let deepLink = '';

    it(
      'searches, filters without shrinking other filters, pages, and bulk-decides 50 cases',
      { timeout: 120_000 },
      async () => {
        context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        page = await context.newPage();
        await page.goto(`${base}/console/`);
        await signIn(page);
        await page.waitForURL(/\/console\/queue$/);
        await page.locator('table.cases tbody tr').first().waitFor();
        assert.equal(await total(page), CASES + 3, 'the true total, not the first page');
        assert.equal(await page.locator('table.cases tbody tr').count(), 50);
        await axe(page, 'queue');
        await shot(page, 'queue');

        // Search goes into the URL and finds display names.
        await page.fill('#q', 'Member 12');
        await page.press('#q', 'Enter');
        await page.waitForURL(/q=Member\+12/);
        await page.waitForFunction(
          () =>
            /^\d+ open cases?/.test(document.querySelector('p.count')?.textContent ?? '') &&
            document.querySelectorAll('table.cases tbody tr').length <= 11,
        );
        assert.ok((await page.locator('table.cases tbody tr').allInnerTexts()).every((t) => /Member 12/.test(t)));
        await page.fill('#q', '');
        await page.press('#q', 'Enter');
        await page.waitForURL(/\/console\/queue$/);

        // A severity filter leaves every queue on offer (the old console shrank the list).
        const queueOptions = () => page.locator('select[name=queue] option').count();
        const before = await queueOptions();
        await page.selectOption('select[name=severity]', 'high');
        await page.waitForURL(/severity=high/);
        await page.waitForFunction(() =>
          Array.from(document.querySelectorAll('table.cases tbody tr')).every((r) => /high/i.test(r.textContent ?? '')),
        );
        assert.equal(await queueOptions(), before);
        await page.selectOption('select[name=queue]', 'groups');
        await page.waitForURL(/queue=groups/);
        await page.waitForFunction(() => /^30 open cases/.test(document.querySelector('p.count')?.textContent ?? ''));
        assert.equal(await page.locator('select[name=severity]').inputValue(), 'high', 'filters combine');
        await page.goto(`${base}/console/queue?queue=accounts`);
        await page.waitForFunction(() => /open cases/.test(document.querySelector('p.count')?.textContent ?? ''));
        const accounts = await total(page);

        // Paging: more rows on request, same total.
        await page.getByRole('button', { name: /more of/ }).click();
        await page.waitForFunction(() => document.querySelectorAll('table.cases tbody tr').length === 100);

        // Bulk: select the first 50, decide them in one go.
        const before50 = await openCases();
        const boxes = page.locator('table.cases tbody tr input[type=checkbox]');
        for (let i = 0; i < 50; i++) await boxes.nth(i).check();
        await page.locator('.bulk').getByText('50 selected').waitFor();
        await page.selectOption('.bulk select', 'not_violating');
        await page.fill('.bulk input', 'generated test data, nothing to act on');
        await page.getByRole('button', { name: 'Decide 50' }).click();
        await page.getByText('Decided 50 cases.').waitFor();
        assert.equal(await openCases(), before50 - 50);
        assert.equal(await total(page), accounts - 50);
      },
    );

    it(
      'opens a case with the decision panel in view, decides and moves to the next; reload and Back keep the view',
      { timeout: 60_000 },
      async () => {
        await page.goto(`${base}/console/queue?q=cp_links`);
        await page.locator('table.cases tbody tr').first().click();
        await page.waitForURL(/\/console\/cases\/\d+$/);
        deepLink = page.url();
        await page.locator('#case-title').waitFor();
        // The page moves focus in an effect after it renders the heading: wait for it (a bounded wait, not a skip).
        await page
          .waitForFunction(() => document.activeElement?.id === 'case-title', null, { timeout: 5000 })
          .catch(() => {});
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'case-title', 'focus moves to the case');
        // Evidence reads as sentences, with the coded term marked in the original text; raw JSON is folded away.
        const evidence = await page.locator('ul.signals').innerText();
        assert.match(evidence, /Coded term .* in the (username|display name|bio)/);
        assert.ok((await page.locator('ul.signals mark').count()) >= 1);
        assert.equal(await page.locator('ul.signals pre').first().isVisible(), false);
        assert.match(await page.locator('ul.reasons').innerText(), /coded-terms-account[\s\S]*user-reports/);
        const panel = page.locator('aside.decision-panel');
        assert.ok(await panel.isVisible());
        await page.getByRole('button', { name: /Claim this case/ }).click();
        await page.getByLabel('Apparent child sexual abuse material').check();
        assert.ok(await page.isChecked('input[name=action-ban]'), 'the default action is shown ticked');
        await page.getByLabel('Other policy violation').check();
        await page.check('input[name=action-restrict]');
        await page.fill('#reason', 'advertises trading');
        await shot(page, 'case-top');
        // Scrolled to the bottom of a long case, the panel is still on screen.
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        const box = await panel.boundingBox();
        assert.ok(box && box.y >= 0 && box.y < 900, 'the decision panel stays in view');
        await axe(page, 'case');
        await shot(page, 'case');
        const first = page.url();
        await page.getByRole('button', { name: 'Decide and next' }).click();
        await page.waitForURL((u) => u.toString() !== first && /\/cases\/\d+$/.test(u.pathname));
        await page.getByText('being reviewed by you').waitFor();
        const second = page.url();
        const decided = await ta.ctx.db.kysely
          .selectFrom('cases')
          .select(['status', 'resolution'])
          .where('id', '=', Number(first.split('/').pop()))
          .executeTakeFirstOrThrow();
        assert.deepEqual(decided, { status: 'closed', resolution: 'policy_violation' });

        await page.reload();
        await page.locator('#case-title').waitFor();
        assert.equal(page.url(), second, 'reload lands on the same case');
        await page.getByText('being reviewed by you').waitFor();
        await page.goBack();
        await page.waitForURL(first);
        await page.getByTestId('status').filter({ hasText: 'closed' }).waitFor();
        await page.goBack();
        await page.waitForURL(/\/console\/queue\?q=cp_links$/);
        await page.locator('table.cases').waitFor();
      },
    );

    it(
      'a deep link opens in a fresh browser after sign-in; signing out clears every view',
      { timeout: 60_000 },
      async () => {
        const fresh = await browser.newContext();
        const p = await fresh.newPage();
        await p.goto(deepLink);
        await signIn(p, 'sam', 'sam password 1234');
        await p.locator('#case-title').waitFor();
        assert.equal(p.url(), deepLink);
        assert.match(await p.locator('#case-title').innerText(), /trade vids \(@cp_links_dm\)/);
        // A session that ends mid-work returns to the sign-in form on the same view.
        await fresh.clearCookies();
        await p.getByRole('link', { name: 'Review queue' }).click();
        await p.locator('form.login').waitFor();
        await signIn(p, 'sam', 'sam password 1234');
        await p.locator('table.cases').waitFor();
        assert.match(p.url(), /\/console\/queue$/);
        await p.goto(`${base}/console/settings`);
        await p.getByRole('heading', { name: 'Wellness settings' }).waitFor();
        await axe(p, 'settings');
        await p.getByRole('button', { name: 'Sign out' }).click();
        await p.locator('form.login').waitFor();
        await signIn(p, 'sam', 'sam password 1234');
        await p.waitForURL(/\/console\/queue$/);
        assert.equal(await p.locator('#case-title').count(), 0, 'no case survives signing out');
        await fresh.close();
      },
    );

    it('fits a 390 px phone', { timeout: 60_000 }, async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const p = await phone.newPage();
      await p.goto(`${base}/console/queue`);
      await signIn(p);
      await p.locator('table.cases tbody tr').first().waitFor();
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `the queue is ${width} px wide`);
      await shot(p, 'mobile-queue');
      await axe(p, 'mobile queue');
      await p.goto(deepLink);
      await p.locator('#case-title').waitFor();
      const caseWidth = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(caseWidth <= 390, `the case is ${caseWidth} px wide`);
      const panelTop = await p.locator('aside.decision-panel').evaluate((el) => el.getBoundingClientRect().top);
      const evidenceTop = await p.locator('#evidence').evaluate((el) => el.getBoundingClientRect().top);
      assert.ok(panelTop < evidenceTop, 'on a phone the decision panel comes first');
      await shot(p, 'mobile-case');
      await phone.close();
    });

    it('works from the keyboard alone, with a ? list of shortcuts', { timeout: 60_000 }, async () => {
      const kb = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const p = await kb.newPage();
      await p.goto(`${base}/console/queue`);
      await p.keyboard.press('Tab'); // skip link first: the form is reachable by Tab alone
      await p.focus('input[name=username]');
      await p.keyboard.type('rita');
      await p.keyboard.press('Tab');
      await p.keyboard.type('rita password 123');
      await p.keyboard.press('Enter');
      await p.locator('table.cases tbody tr').first().waitFor();
      // The search box has focus on arrival (typing "?" there types it); leave it first.
      assert.equal(await p.evaluate(() => document.activeElement?.id), 'q');
      await p.keyboard.press('Tab');
      await p.keyboard.press('?');
      await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await shot(p, 'shortcuts');
      await axe(p, 'shortcut overlay');
      await p.keyboard.press('Escape');
      await p.getByRole('dialog').waitFor({ state: 'detached' });
      await p.keyboard.press('/');
      assert.equal(await p.evaluate(() => document.activeElement?.id), 'q');
      await p.keyboard.type('Hiking club');
      await p.keyboard.press('Enter');
      await p.waitForURL(/q=Hiking\+club/);
      await p.waitForFunction(() =>
        Array.from(document.querySelectorAll('table.cases tbody tr')).every((r) =>
          /Hiking club/.test(r.textContent ?? ''),
        ),
      );
      await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await p.keyboard.press('j');
      await p.keyboard.press('j');
      const rowId = await p.evaluate(() => (document.activeElement as HTMLElement).dataset.case);
      assert.ok(rowId);
      await p.keyboard.press('Enter');
      await p.waitForURL(new RegExp(`/cases/${rowId}$`));
      await p.locator('#case-title').waitFor();
      await p.waitForFunction(() => document.activeElement?.id === 'case-title');
      // Escape goes back with focus on the case's own row; Enter opens it again.
      await p.keyboard.press('Escape');
      await p.waitForURL(/\/console\/queue\?q=Hiking\+club$/);
      await p.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.case === id, rowId);
      await p.keyboard.press('Enter');
      await p.waitForURL(new RegExp(`/cases/${rowId}$`));
      await p.waitForFunction(() => document.activeElement?.id === 'case-title');
      await p.keyboard.press('c');
      await p.getByText('being reviewed by you').waitFor();
      await p.keyboard.press('d');
      assert.equal(
        await p.evaluate(() => document.activeElement?.closest('aside') !== null),
        true,
        'd moves into the decision panel',
      );
      // Tab to the "not violating" choice, pick it with Space, write the reason, submit with Enter.
      for (
        let i = 0;
        i < 12 && !(await p.evaluate(() => (document.activeElement as HTMLInputElement).type === 'radio'));
        i++
      )
        await p.keyboard.press('Tab');
      await p.keyboard.press('ArrowDown'); // radios move with the arrow keys
      const picked = await p.evaluate(() => (document.activeElement as HTMLInputElement).value);
      assert.ok(picked);
      await p.focus('#reason');
      await p.keyboard.type('a hiking club');
      await p.keyboard.press('Tab');
      await p.keyboard.press('Enter'); // "Decide"
      await p.getByText('Decision recorded.').waitFor();
      await p.keyboard.press('Escape');
      await p.waitForURL(/\/console\/queue\?q=Hiking\+club$/);
      // The decided case has left the open queue: focus lands on the row that took its place.
      await p.waitForFunction((id) => {
        const el = document.activeElement as HTMLElement | null;
        return !!el?.dataset.case && el.dataset.case !== id;
      }, rowId);
      await kb.close();
    });

    it(
      'counts media reveals on the server: a meter, a break prompt that survives reloads, a daily limit; leads see the team',
      { timeout: 90_000 },
      async () => {
        ta.ctx.cfg.wellness = { softRevealsPerDay: 2, hardRevealsPerDay: 3 };
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const p = await ctx.newPage();
        await p.goto(`${base}/console/queue?q=photo_person`);
        await signIn(p, 'sam', 'sam password 1234');
        await p.locator('table.cases tbody tr').first().click();
        await p.locator('#case-title').waitFor();
        const meter = () => p.locator('#exposure-meter').getAttribute('value');
        const revealAndHide = async () => {
          await p.getByRole('button', { name: 'Reveal profile photo' }).click();
          await p.getByTestId('revealed-media').waitFor();
          await p.getByRole('button', { name: 'Hide' }).click();
        };
        await revealAndHide();
        await p.waitForFunction(() => document.querySelector('#exposure-meter')?.getAttribute('value') === '1');
        await revealAndHide();
        const prompt = p.getByRole('alert').filter({ hasText: 'since your last break' });
        await prompt.waitFor();
        await p.getByRole('button', { name: 'Reveal profile photo' }).click();
        await p.getByRole('alert').filter({ hasText: 'Take a break, then confirm it to continue' }).waitFor();
        assert.equal(await p.getByTestId('revealed-media').count(), 0, 'nothing shown while a break is due');
        await p.reload();
        await prompt.waitFor(); // the server keeps it
        assert.equal(await meter(), '2');
        await p.getByRole('button', { name: 'I have taken a break' }).click();
        await prompt.waitFor({ state: 'detached' });
        await revealAndHide();
        await p.getByRole('button', { name: 'Reveal profile photo' }).click();
        await p.getByRole('alert').filter({ hasText: 'the daily limit' }).first().waitFor();
        assert.equal(await meter(), '3');
        await ctx.close();

        const leadCtx = await browser.newContext();
        const l = await leadCtx.newPage();
        await l.goto(`${base}/console/settings`);
        await signIn(l, 'lena', 'lena password 123');
        await l.getByRole('heading', { name: /Team exposure today/ }).waitFor();
        assert.match(
          await l.locator('section[aria-labelledby=team-exposure] table').innerText(),
          /sam\s+3\s+1\s+daily limit reached/,
        );
        // The preview follows the settings as they change, before saving.
        const before = await l.getByTestId('preview').evaluate((el) => getComputedStyle(el).filter);
        await l.getByLabel('Greyscale').uncheck();
        const after = await l.getByTestId('preview').evaluate((el) => getComputedStyle(el).filter);
        assert.notEqual(before, after);
        assert.doesNotMatch(after, /grayscale/);
        await shot(l, 'settings');
        await axe(l, 'settings with team exposure');
        // The lead's other pages, reached by their own URLs.
        for (const [path, heading] of [
          ['/console/flags', 'Only overdue'],
          ['/console/outbox', ''],
        ] as const) {
          await l.goto(`${base}${path}`);
          await l.locator('main').first().waitFor();
          if (heading) await l.getByText(heading).waitFor();
          await l.waitForLoadState('networkidle');
          await axe(l, path);
        }
        await leadCtx.close();
      },
    );
  });
