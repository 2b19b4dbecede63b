// `vigil demo` as a user runs it: a fresh data directory, the printed login and key work,
// the seeded events are processed, and a second start does not seed again.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, freePort, waitExit } from './process.ts';

// Every demo process a test starts is killed at the end, even when an assertion fails first.
const started = new Set<ReturnType<typeof spawn>>();
after(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function runDemo(dataDir: string, port: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, 'demo'], {
    env: { ...process.env, VIGIL_DATA: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 30_000;
  while (!/Vigil demo running[\s\S]*\n\n/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`demo did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, out: () => out };
}

describe('vigil demo', () => {
  it('starts on embedded SQLite with seeded data and working credentials', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    try {
      const demo = await runDemo(dataDir, port);
      const out = demo.out();
      const [, username, password] = /Staff login \(shown once\):\s+(\S+) \/ (\S+)/.exec(out) ?? [];
      const [key] = /vk_\d+_[A-Za-z0-9_-]+/.exec(out) ?? [];
      assert.ok(username && password && key, out);

      const login = await fetch(`${base}/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      assert.equal(login.status, 200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

      // The seeded events are applied by the worker.
      let group: any;
      for (let i = 0; i < 100; i++) {
        group = await (await fetch(`${base}/v1/groups/g-2003`, { headers: { cookie } })).json();
        if (group.members?.length === 3) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(group.members.length, 3);
      // The default rules turned the seeded signals into review work (the generated crowd aside).
      let queues: string[] = [];
      for (let i = 0; i < 300 && queues.length < 7; i++) {
        const tasks = (await (await fetch(`${base}/v1/tasks?limit=500`, { headers: { cookie } })).json()).tasks as {
          queue: string;
          subject_id: string;
        }[];
        queues = tasks
          .filter((t) => !/^[ug]-c\d/.test(t.subject_id))
          .map((t) => `${t.queue}:${t.subject_id}`)
          .sort();
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(queues, [
        'accounts:u-1005',
        'accounts:u-1006',
        'external:u-1009',
        'groups:g-2003',
        'known-media:u-1005',
        'known-media:u-1008',
        'user-reports:g-2003',
      ]);
      // ... gathered into one case per subject, with a few hundred generated cases beside them.
      let cases = { total: 0, cases: [] as { subject: { id: string }; reasons: { rule: string }[] }[] };
      for (let i = 0; i < 600 && cases.total < 250; i++) {
        cases = await (await fetch(`${base}/v1/cases?limit=500`, { headers: { cookie } })).json();
        if (cases.total < 250) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(cases.total >= 250, `${cases.total} cases`);
      const u1005 = cases.cases.filter((c) => c.subject.id === 'u-1005');
      assert.equal(u1005.length, 1, 'coded terms and a listed photo: one case');
      assert.deepEqual(u1005[0]!.reasons.map((r) => r.rule).sort(), ['coded-terms-account', 'listed-media']);
      assert.equal(group.invite_link, 'https://chat.example/join/x7Hq2');

      // A reviewer views the stand-in avatar through Vigil: the bytes arrive and the view is audited.
      const img = await fetch(`${base}/v1/media/content?kind=account_avatar&id=u-1008`, { headers: { cookie } });
      assert.equal(img.status, 200);
      assert.equal(img.headers.get('content-type'), 'image/png');
      assert.equal(img.headers.get('cache-control'), 'no-store');
      assert.deepEqual([...new Uint8Array(await img.arrayBuffer()).slice(1, 4)], [0x50, 0x4e, 0x47]);
      const views = await (await fetch(`${base}/v1/audit?action=evidence.view`, { headers: { cookie } })).json();
      assert.equal(views.entries.length, 1);
      assert.equal(views.entries[0].subject_id, 'u-1008');

      const ingest = await fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            {
              id: 'demo-test-1',
              type: 'account.created',
              occurred_at: new Date().toISOString(),
              account: { id: 'u-9', username: 'new_user' },
            },
          ],
        }),
      });
      assert.equal(ingest.status, 200);
      demo.child.kill('SIGTERM');
      await waitExit(demo.child);

      const again = await runDemo(dataDir, port);
      assert.match(again.out(), /already seeded/);
      assert.doesNotMatch(again.out(), /shown once/);
      again.child.kill('SIGTERM');
      await waitExit(again.child);

      const verify = spawnSync(process.execPath, ['--import', 'tsx', CLI_MAIN, 'audit', 'verify', '--data', dataDir], {
        encoding: 'utf8',
      });
      assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('creates the first admin and API keys from the command line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    try {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args, '--data', dataDir], { encoding: 'utf8' });
      const created = run('admin', 'create', '--username', 'alice');
      assert.equal(created.status, 0, created.stderr);
      assert.match(created.stdout, /created admin "alice"[\s\S]*password \(shown once\): \S{20,}/);
      const dup = run('admin', 'create', '--username', 'alice');
      assert.equal(dup.status, 1);
      assert.match(dup.stderr, /already exists/);
      const weak = run('admin', 'create', '--username', 'bob', '--password', 'short');
      assert.match(weak.stderr, /at least 12 characters/);
      const badRole = run('admin', 'create', '--username', 'carol', '--role', 'king');
      assert.match(badRole.stderr, /role must be one of/);
      const key = run('keys', 'create', '--name', 'backend', '--scopes', 'ingest,read');
      assert.equal(key.status, 0, key.stderr);
      assert.match(key.stdout, /^vk_\d+_\S+\n$/);
      const badScope = run('keys', 'create', '--name', 'x', '--scopes', 'everything');
      assert.match(badScope.stderr, /scopes must be/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
