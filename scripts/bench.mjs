#!/usr/bin/env node
// `npm run bench [name...]`: runs bench/*.bench.ts one after another (a filter picks some by name).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Words pick benchmarks by name; flags (--events 1000, --json …) go to each benchmark run.
const args = process.argv.slice(2);
const filter = [];
const flags = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) {
    flags.push(args[i]);
    if (
      !args[i].includes('=') &&
      args[i + 1] !== undefined &&
      !args[i + 1].startsWith('--') &&
      !['--json'].includes(args[i])
    )
      flags.push(args[++i]);
  } else filter.push(args[i]);
}
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter.length || filter.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const f of files) {
  if (!flags.includes('--json')) console.log(`\n## ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', f), ...flags], {
    stdio: 'inherit',
    cwd: root,
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
