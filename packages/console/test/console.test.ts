// The console in real Chromium against a real server: sign in, see the queue, open a case with its
// explained signals, claim it and decide it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { testApp, silentLog, type TestApp } from '../../server/test/helpers.ts';
import { createStaff } from '../../server/src/auth/staff.ts';
import { ensureDefaultRules } from '../../server/src/detect/rules-store.ts';
import { addEntries, createBank } from '../../server/src/media/banks.ts';
import { ingestEvents, validateEvents } from '../../server/src/ingest/ingest.ts';
import { Worker } from '../../server/src/queue/worker.ts';
import { jobHandlers } from '../../server/src/service.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const LISTED = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';

describe('review console in Chromium', () => {
  let ta: TestApp;
  let browser: Browser;
  let base = '';
  before(async () => {
    // Build the console from the current sources (a second or two).
    const build = spawnSync(process.execPath, [`${ROOT}/node_modules/vite/bin/vite.js`, 'build', 'packages/console', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    ta = await testApp('sqlite');
    await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
    await createStaff(ta.ctx.db.kysely, { username: 'rita', role: 'reviewer', password: 'rita password 123' }, 'test', ta.clock);
    await createBank(ta.ctx.db.kysely, { name: 'KNOWN_TEST', kind: 'block' }, 'test', ta.clock);
    await addEntries(ta.ctx.db.kysely, 'KNOWN_TEST', [{ signal_type: 'pdq', value: LISTED, source: 'test-fixture' }], 'test', ta.clock);
    await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents([{ id: 'e1', type: 'account.created', occurred_at: new Date().toISOString(), account: { id: 'acc-1', username: 'sunny', bio: 'hello', avatar: { pdq: LISTED } } }]), ta.clock);
    const w = new Worker({ db: ta.ctx.db, handlers: jobHandlers(ta.ctx.cfg), clock: ta.clock, log: silentLog, workerId: 'w' });
    while ((await w.runOnce()) > 0);
    base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await ta?.close();
  });

  it('signs in, opens the case, claims and decides it', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    await page.fill('input[name=username]', 'rita');
    await page.fill('input[name=password]', 'wrong password!!');
    await page.click('button[type=submit]');
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /invalid username or password/);
    await page.fill('input[name=password]', 'rita password 123');
    await page.click('button[type=submit]');

    const row = page.locator('table.tasks tbody tr');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    assert.match(await row.first().innerText(), /known-media[\s\S]*account acc-1[\s\S]*matches a listed hash/);
    await row.first().click();

    await page.getByText('media.match').waitFor();
    const signals = await page.locator('ul.signals').innerText();
    assert.match(signals, /avatar is 0 bits from an entry of bank KNOWN_TEST/);
    assert.match(signals, /entry_source\s+test-fixture/);
    assert.match(await page.locator('ul.verdicts').innerText(), /rule listed-media v1/);
    assert.match(await page.locator('dl.profile').innerText(), /username\s+sunny/);
    await page.screenshot({ path: `${ROOT}/.tmp/console-case.png`, fullPage: true }).catch(() => {});

    await page.keyboard.press('c');
    await page.getByText('claimed by you').waitFor();
    await page.selectOption('select[aria-label=decision]', 'not_violating');
    await page.fill('input[aria-label=reason]', 'benign test avatar');
    await page.click('button:has-text("Decide")');
    await page.getByText('Decision recorded').waitFor();
    assert.equal(await page.getByTestId('status').innerText(), 'closed');

    const audit = await ta.ctx.db.kysely.selectFrom('audit_log').select(['action', 'reason']).where('action', '=', 'task.decide').execute();
    assert.deepEqual(audit, [{ action: 'task.decide', reason: 'benign test avatar' }]);
    await page.click('text=← Queue');
    await page.getByText('0 open task(s)').waitFor();
  });

  it('shows nothing to a signed-out visitor and the API refuses them', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    await page.locator('form.login').waitFor();
    const res = await page.request.get(`${base}/v1/tasks`);
    assert.equal(res.status(), 401);
  });
});
