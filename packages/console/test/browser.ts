// What every console test in Chromium needs: the built console, a browser launched the way these machines
// allow, sign-in, axe-core and screenshots. The console is built once per test run (scripts/test.mjs builds it
// before any test starts; a file run on its own builds it here), so parallel test files never rebuild dist
// under each other's feet.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SHOTS = process.env.VIGIL_SHOTS ?? '/tmp/shots';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DIST = join(ROOT, 'packages/console/dist/index.html');
const SRC = join(ROOT, 'packages/console/src');

const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((d) =>
      d.isDirectory() ? newest(join(dir, d.name)) : statSync(join(dir, d.name)).mtimeMs,
    ),
  );

/** Builds the console unless scripts/test.mjs already did (VIGIL_CONSOLE_BUILT) or dist is newer than the sources. */
export function ensureConsoleBuilt(): void {
  if (process.env.VIGIL_CONSOLE_BUILT === '1' && existsSync(DIST)) return;
  if (existsSync(DIST) && statSync(DIST).mtimeMs > newest(SRC)) return;
  const build = spawnSync(
    process.execPath,
    [`${ROOT}/node_modules/vite/bin/vite.js`, 'build', 'packages/console', '--logLevel', 'warn'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(build.status, 0, build.stderr);
}

export function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

/** axe-core in the page: no serious or critical WCAG 2.1 A/AA violation. */
export async function axe(page: Page, what: string): Promise<void> {
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

/** Signs in on the console's form (the page must show it). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.locator('header .who').waitFor();
}

/** The page's h1, once it has rendered. */
export async function heading(page: Page): Promise<string> {
  const h = page.locator('main h1').first();
  await h.waitFor();
  return (await h.innerText()).trim();
}

/** A signed-in page for one account, in its own browser context (downloads allowed, for CSV and exports). */
export async function signedIn(
  browser: import('playwright-core').Browser,
  base: string,
  viewport: { width: number; height: number },
  username: string,
  password: string,
  path: string,
) {
  const ctx = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await ctx.newPage();
  await page.goto(`${base}/console${path}`);
  await signIn(page, username, password);
  return { ctx, page };
}

/**
 * The same page at 390 px: nothing wider than the screen (tables scroll inside their own box). A failure names the
 * widest elements, so it says what to fix. Returns to `wide` afterwards.
 */
export async function checkPhoneWidth(
  page: Page,
  name: string,
  wide: { width: number; height: number },
): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(50);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) {
    await shot(page, `${name}-390-overflow`, true);
    const widest = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
        .map((e) => `${e.tagName.toLowerCase()}.${(e as HTMLElement).className}`)
        .slice(0, 5),
    );
    assert.fail(`${name}: the page is ${overflow}px wider than a 390 px screen: ${widest.join(', ')}`);
  }
  await shot(page, `${name}-390`, true);
  await page.setViewportSize(wide);
}
