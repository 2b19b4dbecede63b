#!/usr/bin/env node
// One `npm test`: checks the machine, typechecks, lints and checks formatting, then runs every test file with
// Node's test runner.
// Test files are passed explicitly (Node 20's `node --test DIR` finds nothing).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';

const root = new URL('..', import.meta.url).pathname;

function fail(msg) {
  console.error(`\nnpm test cannot run: ${msg}\n`);
  process.exit(1);
}

// Debian packages the suite needs. Missing ones fail loudly instead of skipping tests.
const needed = [
  ['ffmpeg', 'ffmpeg', 'apt-get install -y ffmpeg'],
  ['/usr/bin/chromium', 'chromium', 'apt-get install -y chromium'],
];
for (const [bin, pkg, how] of needed) {
  const found = bin.startsWith('/') ? existsSync(bin) : spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  if (!found) fail(`the Debian package "${pkg}" is missing (${how}); see README "Tests".`);
}

const pgUrl = process.env.VIGIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pg = new URL(pgUrl);
await new Promise((resolve) => {
  const s = net.connect({ host: pg.hostname, port: Number(pg.port || 5432) });
  s.once('connect', () => {
    s.end();
    resolve();
  });
  s.once('error', (e) =>
    fail(`PostgreSQL is not reachable at ${pg.host} (${e.message}); start it or set VIGIL_TEST_PG_URL.`),
  );
});

// NATS with JetStream, for the stream transport's tests (.ci/run starts it).
const nats = new URL(process.env.NATS_URL ?? 'nats://127.0.0.1:4222');
await new Promise((resolve) => {
  const s = net.connect({ host: nats.hostname, port: Number(nats.port || 4222) });
  s.once('connect', () => {
    s.end();
    resolve();
  });
  s.once('error', (e) =>
    fail(
      `NATS is not reachable at ${nats.host} (${e.message}); start nats-server with JetStream (-js) or set NATS_URL.`,
    ),
  );
});

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = [...walk(join(root, 'packages')), ...walk(join(root, 'test'))].sort();
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (!files.length) fail('no test files found.');

if (!filter.length) {
  for (const project of ['tsconfig.json', 'packages/console/tsconfig.json']) {
    const tsc = spawnSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, project)],
      { stdio: 'inherit' },
    );
    if (tsc.status !== 0) fail(`the TypeScript typecheck of ${project} failed (see above).`);
  }
  // Lint and format checks, like the typecheck only in the full run. Each failure names the command that fixes it.
  const checks = [
    [
      ['npm', 'run', '-s', 'lint'],
      'the lint failed (see above; `npm run lint` runs ESLint, dependency-cruiser and knip again). `npx eslint . --fix` fixes what ESLint can; the other findings are fixed in the code (each dependency rule says why in .dependency-cruiser.cjs).',
    ],
    [['npm', 'run', '-s', 'format:check'], 'files are not formatted (listed above): `npm run format` formats them.'],
  ];
  for (const [[cmd, ...args], why] of checks) {
    const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
    if (r.status !== 0) fail(why);
  }
}

// The console is built once, before any test starts, so browser tests running in parallel never rebuild it
// under each other (packages/console/test/browser.ts builds it only when a file is run on its own).
const build = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vite/bin/vite.js'), 'build', 'packages/console', '--logLevel', 'warn'],
  { stdio: 'inherit', cwd: root },
);
if (build.status !== 0) fail('the console build failed (see above).');

const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=tap', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, VIGIL_TEST_PG_URL: pgUrl, VIGIL_CONSOLE_BUILT: '1' } },
);
process.exit(r.status ?? 1);
