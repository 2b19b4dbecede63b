#!/usr/bin/env node
// `npm run lint`: ESLint, the dependency rules (dependency-cruiser) and dead-code search (knip), each run even when an
// earlier one fails, so one run shows every finding. Exits non-zero if any failed.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const checks = [
  ['ESLint', ['eslint', '.']],
  ['dependency rules', ['depcruise', 'packages', '--config', '.dependency-cruiser.cjs']],
  ['knip', ['knip']],
];
const failed = [];
for (const [name, [bin, ...args]] of checks) {
  const t0 = Date.now();
  const r = spawnSync(`${root}node_modules/.bin/${bin}`, args, { stdio: 'inherit', cwd: root });
  console.log(`lint: ${name} ${r.status === 0 ? 'passed' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (r.status !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`lint: failed: ${failed.join(', ')}`);
  process.exit(1);
}
