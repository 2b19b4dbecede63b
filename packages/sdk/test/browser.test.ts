// The SDK core must run in browsers: bundle it for the browser platform (any Node built-in fails
// the build) and run a conversation, an attachment and a report check in headless Chromium.
import { describe, it } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

describe('in a browser', () => {
  it('bundles without Node built-ins and runs a franked conversation in Chromium', async () => {
    const out = await build({
      entryPoints: [new URL('./browser-entry.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    // Served from 127.0.0.1, a secure context, so WebCrypto's subtle API is there as on a real site.
    const server = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<!doctype html><script>${code.replace(/<\/script/gi, '<\\/script')}</script>`),
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const r = await page.evaluate(() =>
        (globalThis as unknown as { vigilBrowserRun: () => Promise<unknown> }).vigilBrowserRun(),
      );
      assert.deepEqual(errors, []);
      assert.deepEqual(r, {
        body: 'hello from a browser',
        opened: 'generated in the browser',
        status: 'verified',
        secure: true,
      });
    } finally {
      await browser.close();
      server.close();
    }
  });
});
