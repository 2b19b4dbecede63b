// The public reporting page in Chromium: a person reports a group, keeps the reference, and later
// reads the outcome with its statement of reasons.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { testApp, staffSession, drainJobs, type TestApp } from './helpers.ts';

const SHOTS = join(fileURLToPath(new URL('../../..', import.meta.url)), '.tmp', 'screenshots');

describe('public reporting page in Chromium', () => {
  let ta: TestApp;
  let browser: Browser;
  let base = '';
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ta = await testApp('sqlite');
    base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await ta?.close();
  });

  it('reports, acknowledges with a reference, and shows the outcome', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/report`);
    assert.match(await page.locator('.note').innerText(), /Do not upload, attach or paste any abusive image/);
    assert.equal(await page.locator('input[type=file]').count(), 0, 'the page never asks for media');
    await page.selectOption('select[name=subject_kind]', 'invite_link');
    await page.fill('input[name=subject_value]', 'https://chat.example/join/abc123');
    await page.selectOption('select[name=category]', 'trading');
    await page.fill('textarea[name=notes]', 'The group description offers to swap links.');
    await page.screenshot({ path: join(SHOTS, '10-public-report-form.png'), fullPage: true });
    await page.click('button[type=submit]');
    const reference = (await page.locator('#reference').innerText()).trim();
    assert.match(reference, /^VGL-/);
    await page.click('text=Check its status');
    assert.equal(await page.locator('#status').innerText(), 'Received');

    const lead = await staffSession(ta, 'lead');
    const h = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
    const task = (await ta.app.inject({ method: 'GET', url: '/v1/tasks?queue=flags', headers: h })).json().tasks[0];
    await ta.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/claim`, headers: h });
    const d = await ta.app.inject({
      method: 'POST',
      url: `/v1/tasks/${task.id}/decision`,
      headers: h,
      payload: { decision: 'policy_violation', reason: 'the group was removed for advertising abuse material' },
    });
    assert.equal(d.statusCode, 200, d.body);
    await drainJobs(ta); // the flags' subscriber writes the statement (review/effects.ts)
    await page.reload();
    assert.equal(await page.locator('#status').innerText(), 'Action taken');
    assert.match(await page.locator('#statement').innerText(), /removed for advertising abuse material/);
    await page.screenshot({ path: join(SHOTS, '11-public-report-status.png'), fullPage: true });
  });
});
