// A user's first five minutes: clone the committed HEAD into an empty folder (no ../shared beside it), install,
// render the example CyberTipline report and start the demo until it is healthy, with CyberTipline configured.
// Anything the product or its tests read from outside the repository fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// What a user's shell would not have: overrides that point outside the checkout.
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const k of ['VIGIL_SHARED', 'VIGIL_NCMEC_XSD', 'VIGIL_CONFIG', 'DATABASE_URL', 'LOG_LEVEL', 'NODE_OPTIONS'])
    delete env[k];
  return env;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number) {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv({}), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  assert.equal(
    r.status,
    0,
    `${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`,
  );
  return r.stdout;
}

test(
  'a fresh clone installs, renders a CyberTipline report and runs the demo with CyberTipline configured',
  { timeout: 900_000 },
  async (t) => {
    const parent = mkdtempSync(join(tmpdir(), 'vigil-clone-'));
    const dir = join(parent, 'vigil');
    // Assigned once the clone is installed; declared first so the cleanup below can kill it whatever fails before.
    // eslint-disable-next-line prefer-const
    let demo: ChildProcess | undefined;
    t.after(() => {
      if (demo?.pid && demo.exitCode === null)
        try {
          process.kill(-demo.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      rmSync(parent, { recursive: true, force: true });
    });

    run('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dir], parent, 120_000);
    assert.deepEqual(readdirSync(parent), ['vigil'], 'nothing may stand beside the clone');
    run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], dir, 600_000);

    const xml = run(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/main.ts', 'ncmec', 'render', '--example'],
      dir,
      120_000,
    );
    assert.match(xml, /<report[\s>]/, 'the example report renders');

    // `npm start` as the README says, on a free port, with its data inside the clone.
    demo = spawn('npm', ['start'], {
      cwd: dir,
      env: cleanEnv({ PORT: '0', VIGIL_DATA: join(dir, 'data') }),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    demo.stdout!.on('data', (b) => (out += b));
    demo.stderr!.on('data', (b) => (out += b));
    const deadline = Date.now() + 600_000;
    let url: string | undefined;
    while (Date.now() < deadline && demo.exitCode === null) {
      url = /Vigil demo running at (http:\/\/\S+)/.exec(out)?.[1];
      if (url && /Staff login/.test(out)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(url, `the demo never printed its banner (exit ${demo.exitCode}):\n${out.slice(-4000)}`);
    assert.match(
      out,
      /CyberTipline: local stand-in at http/,
      `CyberTipline must be configured on a fresh clone:\n${out.slice(-4000)}`,
    );
    assert.doesNotMatch(out, /not configured/);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    // The one-time credentials are the banner's last lines: no request log after them at the default level.
    const afterBanner = out.slice(out.indexOf('Vigil demo running at'));
    assert.doesNotMatch(afterBanner, /"msg":"request completed"/, 'request log lines scrolled the banner away');
  },
);
