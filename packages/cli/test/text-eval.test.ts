import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const DEV = fileURLToPath(new URL('../../text/eval/dev.tsv', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'text', 'eval', ...args], { encoding: 'utf8' });

describe('vigil text eval', () => {
  it('prints precision, recall and misses, and the JSON summary last with --json', () => {
    const r = run(DEV, '--json');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^precision \d+\.\d% {2}recall \d+\.\d%/);
    const last = JSON.parse(lines.at(-1)!);
    assert.deepEqual(Object.keys(last), ['precision', 'recall', 'tp', 'fp', 'fn', 'tn']);
    assert.ok(last.precision >= 0.95 && last.recall >= 0.95);
    assert.equal(last.tp + last.fp + last.fn + last.tn, 302);
  });
  it('lists each miss and fails clearly on a malformed file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-eval-'));
    writeFileSync(
      join(dir, 'small.tsv'),
      'text\tsurface\texpected\nCP Rail fans\tgroup_name\tflag\nc.p trade links\tgroup_name\tflag\n',
    );
    const r = run(join(dir, 'small.tsv'));
    assert.match(r.stdout, /recall 50\.0%/);
    assert.match(r.stdout, /line 2 FALSE NEGATIVE \[group_name\] "CP Rail fans"/);
    writeFileSync(join(dir, 'bad.tsv'), 'text\tsurface\texpected\nx\tforum\tflag\n');
    const bad = run(join(dir, 'bad.tsv'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /line 2: surface "forum"/);
  });
});
