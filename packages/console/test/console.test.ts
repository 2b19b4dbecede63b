// The console in real Chromium against a real server: sign in, claim from the queue, open a case with
// explained signals, reveal a blurred item (audited), decide, see the action in the outbox; the platform
// appeals and a second reviewer reverses. Screenshots of the main screens go to .tmp/screenshots.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from './browser.ts';
import { messenger, runJobs } from '../../server/test/relay-helpers.ts';
import { testApp, silentLog, apiKey, type TestApp } from '../../server/test/helpers.ts';
import { createStaff } from '../../server/src/auth/staff.ts';
import { ensureDefaultRules } from '../../server/src/detect/rules-store.ts';
import { addEntries, createBank } from '../../server/src/media/banks.ts';
import { ingestEvents, validateEvents } from '../../server/src/ingest/ingest.ts';
import { Worker } from '../../server/src/queue/worker.ts';
import { jobHandlers } from '../../server/src/service.ts';
import { demoMediaRoute, writeDemoImages } from '../../server/src/demo/images.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { VigilClient, HttpRelayTransport } from '@vigil/sdk';
import { buildPsiTable } from '../../server/src/psi/tables.ts';
import { psiKeys } from '../../server/src/psi/keys.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SHOTS = join(ROOT, '.tmp', 'screenshots');
const LISTED = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';

describe('review console in Chromium', () => {
  let ta: TestApp;
  let browser: Browser;
  let base = '';
  let platformKey = '';
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Build the console from the current sources (a second or two).
    ensureConsoleBuilt();
    const mediaDir = await writeDemoImages(mkdtempSync(join(tmpdir(), 'vigil-media-')));
    const cfg = loadConfig({ env: {} });
    ta = await testApp('sqlite', { media: { ...cfg.media, allowPrivateFetch: true } }, [demoMediaRoute(mediaDir)]);
    await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
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
    await createBank(ta.ctx.db.kysely, { name: 'KNOWN_TEST', kind: 'block' }, 'test', ta.clock);
    await addEntries(
      ta.ctx.db.kysely,
      'KNOWN_TEST',
      [{ signal_type: 'pdq', value: LISTED, source: 'test-fixture' }],
      'test',
      ta.clock,
    );
    await ta.ctx.db.kysely
      .insertInto('webhook_endpoints')
      .values({
        url: 'https://platform.example/hooks',
        secret: 'whsec_test',
        events: '*',
        enabled: 1,
        created_at: new Date().toISOString(),
      })
      .execute();
    platformKey = await apiKey(ta, ['ingest']);
    base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
    await ingestEvents(
      ta.ctx.db.kysely,
      'default',
      validateEvents([
        {
          id: 'e1',
          type: 'account.created',
          occurred_at: new Date().toISOString(),
          account: {
            id: 'acc-1',
            username: 'sunny',
            bio: 'hello',
            avatar: { pdq: LISTED, url: `${base}/demo-media/avatar-stand-in.png`, mime: 'image/png' },
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
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await ta?.close();
  });

  async function signIn(page: Page, username: string, password: string) {
    await page.goto(`${base}/console/`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.locator('table.cases').waitFor();
  }

  it('claims, reveals blurred media, decides; the action reaches the outbox', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    await page.fill('input[name=username]', 'rita');
    await page.fill('input[name=password]', 'wrong password!!');
    await page.click('button[type=submit]');
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /invalid username or password/i);
    await shot(page, '01-login-error');
    await signIn(page, 'rita', 'rita password 123');

    const row = page.locator('table.cases tbody tr');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    assert.match(await row.first().innerText(), /critical[\s\S]*@sunny[\s\S]*listed-media[\s\S]*known-media/i);
    await shot(page, '02-queue');
    await row.first().click();

    await page.getByText('media.match').waitFor();
    const signals = await page.locator('ul.signals').innerText();
    assert.match(signals, /profile photo is 0 bits from an entry of bank KNOWN_TEST \(PDQ\); listed by test-fixture/);
    assert.match(await page.locator('ul.reasons').innerText(), /listed-media/);
    assert.match((await page.locator('ul.items').textContent()) ?? '', /listed-media v1/);

    // Media stays hidden (and unlogged) until revealed; then it is small, blurred and greyscale.
    assert.equal(await page.getByTestId('revealed-media').count(), 0);
    const views = () =>
      ta.ctx.db.kysely.selectFrom('audit_log').select('subject_id').where('action', '=', 'evidence.view').execute();
    assert.equal((await views()).length, 0);
    await page.click('button:has-text("Reveal profile photo")');
    const img = page.getByTestId('revealed-media');
    await img.waitFor();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid=revealed-media]') as HTMLImageElement)?.complete,
    );
    const style = await img.evaluate((el) => ({
      filter: getComputedStyle(el).filter,
      width: el.getBoundingClientRect().width,
      natural: (el as HTMLImageElement).naturalWidth,
    }));
    assert.match(style.filter, /blur\(24px\) grayscale\(1\)/);
    assert.equal(style.width, 160);
    assert.equal(style.natural, 320, 'the real image arrived through the audited route');
    assert.deepEqual(await views(), [{ subject_id: 'acc-1' }]);
    await shot(page, '03-case-revealed-blurred');

    await page.keyboard.press('c');
    await page.getByText('being reviewed by you').waitFor();
    await page.getByLabel('Apparent child sexual abuse material').check();
    assert.ok(await page.isChecked('input[name=action-ban]'), 'the default action is shown ticked');
    await page.fill('#reason', 'matches listed material');
    await shot(page, '04-decision-form');
    await page.getByRole('button', { name: 'Decide', exact: true }).click();
    await page.getByText('Decision recorded').waitFor();
    assert.equal(await page.getByTestId('status').innerText(), 'closed');
    assert.match(await page.locator('ul.history').innerText(), /ban — active — matches listed material/);

    const outbox = await ta.ctx.db.kysely
      .selectFrom('webhook_outbox')
      .select(['event_type', 'payload'])
      .where('event_type', '=', 'enforcement.action')
      .execute();
    assert.equal(outbox.length, 1);
    assert.equal(JSON.parse(outbox[0]!.payload).data.action, 'ban');
  });

  it('an appeal reaches another reviewer, who reverses the action', { timeout: 60_000 }, async () => {
    const action = await ta.ctx.db.kysely.selectFrom('enforcement_actions').select('id').executeTakeFirstOrThrow();
    const filed = await fetch(`${base}/v1/appeals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platformKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action_id: Number(action.id), statement: 'That is a picture I painted.' }),
    });
    assert.equal(filed.status, 201);

    const page = await browser.newPage();
    await signIn(page, 'sam', 'sam password 1234');
    await page.selectOption('select[name=queue]', 'appeals');
    await page.locator('table.cases tbody tr', { hasText: 'appeal against ban' }).click();
    await page.getByText('That is a picture I painted.').waitFor();
    assert.equal(await page.getByText('Waiting for a second approval').count(), 0, 'an appeal is not an approval');
    await page.getByRole('button', { name: /Claim this case/ }).click();
    await page.getByLabel('Reverse the action (grant the appeal)').check();
    await page.fill('#reason', 'painting confirmed');
    await shot(page, '05-appeal');
    await page.getByRole('button', { name: 'Decide', exact: true }).click();
    await page.getByText('Decision recorded').waitFor();
    assert.match(await page.locator('ul.history').innerText(), /ban — reversed/);
    const reversed = await ta.ctx.db.kysely
      .selectFrom('webhook_outbox')
      .select('payload')
      .where('event_type', '=', 'enforcement.reversed')
      .execute();
    assert.equal(reversed.length, 1);
  });

  it(
    'private matching: the case shows exactly the opened attachments, revealed through the audited route',
    { timeout: 300_000 },
    async () => {
      // Turn matching on for this server (every conversation, t = 2) and list two generated images.
      ta.ctx.cfg.psi = { ...ta.ctx.cfg.psi, scope: 'everywhere', threshold: 2, syntheticProbability: 0 };
      const png = async (i: number) =>
        new Uint8Array(
          await sharp({
            create: { width: 96, height: 64, channels: 3, background: { r: 40 * i, g: 200 - 30 * i, b: 90 } },
          })
            .png()
            .toBuffer(),
        );
      const listed = [await png(1), await png(2)];
      await createBank(ta.ctx.db.kysely, { name: 'PSI_TEST', kind: 'block' }, 'test', ta.clock);
      await addEntries(
        ta.ctx.db.kysely,
        'PSI_TEST',
        listed.map((b) => ({ signal_type: 'sha256' as const, value: createHash('sha256').update(b).digest('hex') })),
        'test',
        ta.clock,
      );
      await buildPsiTable(ta.ctx.db.kysely, ta.ctx.cfg, psiKeys(ta.ctx.cfg), 'test', ta.clock);
      // The messenger is a platform of its own: its relay on another port, events in, webhooks out.
      const m = await messenger(ta);
      const relayPublic = m.relayPublic;
      const user = async (name: string) => {
        const t = new HttpRelayTransport(m.base);
        await t.register(name, `${name} password 123`);
        const c = new VigilClient(t.userId, t, { relaySourcePublicKey: relayPublic });
        await c.publishKeyPackages(2);
        return { t, c };
      };
      const ann = await user('ann_pm'),
        ben = await user('ben_pm');
      ann.c.setPrivateMatching((await ann.t.privateMatching({ minThreshold: 2 })).matching);
      const chat = await ann.c.createConversation([ben.t.userId]);
      await ann.c.send(
        chat,
        'pictures',
        listed.map((bytes) => ({ bytes, mime: 'image/png' })),
      );
      await ann.c.send(chat, 'and another', [{ bytes: await png(5), mime: 'image/png' }]); // not listed
      await runJobs(ta); // vouchers reach the service, the threshold opens two, the relay hands their blobs over

      const page = await browser.newPage();
      await signIn(page, 'rita', 'rita password 123');
      await page.locator('table.cases tbody tr', { hasText: 'private-match' }).click();
      await page.getByText('voucher.match').waitFor();
      const reveal = page.locator('button:has-text("Reveal matched attachment")');
      assert.equal(await reveal.count(), 2, 'exactly the two listed attachments');
      const views = async () =>
        (
          await ta.ctx.db.kysely
            .selectFrom('audit_log')
            .select('subject_id')
            .where('action', '=', 'evidence.view')
            .where('subject_id', '=', ann.t.userId)
            .execute()
        ).length;
      assert.equal(await views(), 0);
      await reveal.first().click();
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('[data-testid=revealed-media]')).some(
          (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
        ),
      );
      const natural = await page
        .getByTestId('revealed-media')
        .first()
        .evaluate((el) => (el as HTMLImageElement).naturalWidth);
      assert.equal(natural, 96, 'decrypted by the service and shown');
      assert.equal(await views(), 1);
      await shot(page, '06-private-match-revealed');
    },
  );

  it('shows nothing to a signed-out visitor and the API refuses them', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    await page.locator('form.login').waitFor();
    const res = await page.request.get(`${base}/v1/tasks`);
    assert.equal(res.status(), 401);
  });
});
