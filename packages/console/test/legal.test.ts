// The legal page in real Chromium against a real server and the local stand-in CyberTipline: a
// drafted report is reviewed (schema verdict, files, XML) and sent, the filing job files it, and a
// law-enforcement request is recorded and renewed. Screenshots go to .tmp/screenshots.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { ensureConsoleBuilt } from './browser.ts';
import { findXsd } from '@vigil/ncmec';
import { startFakeCyberTipline, type FakeCyberTipline } from '@vigil/ncmec/fake';
import { testApp, silentLog, type TestApp } from '../../server/test/helpers.ts';
import { createStaff } from '../../server/src/auth/staff.ts';
import { Worker } from '../../server/src/queue/worker.ts';
import { jobHandlers } from '../../server/src/service.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createReportDraft } from '../../server/src/legal/reports.ts';
import { ingestEvents, validateEvents } from '../../server/src/ingest/ingest.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SHOTS = join(ROOT, '.tmp', 'screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page: no serious or critical WCAG 2.1 A/AA violation. */
async function axe(page: import('playwright-core').Page, what: string) {
  await page.addScriptTag({ content: AXE });
  const r = await page.evaluate(async () => (await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations.map((v: any) => ({ id: v.id, impact: v.impact, target: v.nodes[0]?.target })));
  assert.deepEqual(r.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical'), [], what);
}

describe('legal page in Chromium', () => {
  let ta: TestApp;
  let fake: FakeCyberTipline;
  let browser: Browser;
  let base = '';
  const work = async () => {
    const w = new Worker({ db: ta.ctx.db, handlers: jobHandlers(ta.ctx.cfg), clock: ta.clock, log: silentLog, workerId: 'w' });
    while ((await w.runOnce()) > 0);
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureConsoleBuilt();
    fake = await startFakeCyberTipline({ username: 'esp', password: 'pw', xsdPath: findXsd() });
    const d = loadConfig({ env: {} });
    ta = await testApp('sqlite', { ncmec: { ...d.ncmec, baseUrl: fake.url, username: 'esp', password: 'pw', timeoutMs: 5000, platformName: 'Example Messenger' } });
    await createStaff(ta.ctx.db.kysely, { username: 'lena', role: 'legal', password: 'lena password 123' }, 'test', ta.clock);
    await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents([{ id: 'a1', type: 'account.created', occurred_at: new Date().toISOString(), account: { id: 'acc-text', username: 'text_only_case', ip: '203.0.113.9' } }]), ta.clock);
    await work();
    // A text-only case (no files): what a decision drafts for an enticement report.
    await ta.ctx.db.kysely.transaction().execute((trx) => createReportDraft(trx, { platform: 'default', subjectType: 'account', subjectId: 'acc-text', decisionTaskId: 1, legalTaskId: 2 }, ta.ctx.cfg, ta.clock));
    base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await ta?.close();
    await fake?.close();
  });

  it('reviews and sends a report, then records and renews a preservation request', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    await page.fill('input[name=username]', 'lena');
    await page.fill('input[name=password]', 'lena password 123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'CyberTipline reports' }).waitFor();
    await page.locator('table.reports tbody tr').first().click();
    const detail = page.getByRole('region', { name: /report \d+/ });
    await detail.waitFor();
    assert.match(await detail.innerText(), /Online Enticement of Children for Sexual Acts/);
    assert.match(await detail.innerText(), /Validates against NCMEC's schema/);
    await page.getByText('XML as it will be sent').click();
    assert.match(await page.locator('pre.xml').innerText(), /<screenName>text_only_case<\/screenName>/);
    await page.screenshot({ path: join(SHOTS, '20-legal-report.png'), fullPage: true });
    await axe(page, 'legal reports');
    await page.getByRole('button', { name: 'Send to NCMEC' }).click();
    await page.getByRole('status').filter({ hasText: 'queued for filing' }).waitFor();
    await work();
    await page.locator('table.reports tbody tr').first().click();
    await page.getByText(/Status filed, NCMEC report \d+/).waitFor();
    assert.equal(fake.reports.filter((r) => r.status === 'finished').length, 1);

    await page.getByRole('button', { name: 'Law-enforcement requests' }).click();
    await page.fill('input[aria-label=agency]', 'Example County Sheriff');
    await page.fill('input[aria-label="case number"]', 'LE-42');
    await page.fill('input[aria-label="account id"]', 'acc-text');
    await page.getByRole('button', { name: 'Record' }).click();
    await page.getByRole('status').filter({ hasText: 'Request LE-42 recorded' }).waitFor();
    const row = page.locator('table.le tbody tr').filter({ hasText: 'LE-42' });
    await row.getByRole('button', { name: 'Renew 90 days' }).click();
    await row.getByRole('button', { name: 'Renew 90 days' }).waitFor({ state: 'detached' });
    await page.screenshot({ path: join(SHOTS, '21-legal-requests.png'), fullPage: true });
    await axe(page, 'law-enforcement requests');
    const holds = await ta.ctx.db.kysely.selectFrom('legal_holds').select('expires_at').where('subject_id', '=', 'acc-text').execute();
    assert.equal(holds.length, 2, 'the request and its renewal each hold the account');
  });
});
