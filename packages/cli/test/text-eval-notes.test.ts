// `vigil text eval --by-note`: recall per category on the independent evaluation set, with the JSON
// summary still the last line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TEST = fileURLToPath(new URL('../../text/eval/split/test.tsv', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'text', 'eval', ...args], { encoding: 'utf8' });

describe('vigil text eval --by-note', { timeout: 120_000 }, () => {
  it('prints recall per note and keeps the JSON summary last', () => {
    const r = run(TEST, '--by-note', '--json');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const last = JSON.parse(lines.at(-1)!);
    assert.deepEqual(Object.keys(last), ['precision', 'recall', 'tp', 'fp', 'fn', 'tn']);
    assert.ok(last.precision >= 0.95 && last.recall >= 0.95, JSON.stringify(last));
    assert.ok(last.tp + last.fp + last.fn + last.tn >= 1000);
    const start = lines.indexOf('recall by note (rows expected to flag):');
    assert.ok(start > 0, r.stdout);
    for (const note of [
      'coded-alone',
      'coded-phrase',
      'coded+exchange',
      'minor+abuse',
      'minor+media+exchange',
      'obfuscated',
    ]) {
      assert.ok(
        lines.slice(start).some((l) => new RegExp(`^  ${note.replace(/\+/g, '\\+')} +\\d+ +\\d+\\.\\d%$`).test(l)),
        `${note} in\n${r.stdout}`,
      );
    }
    assert.ok(lines.includes('kept clean by note (rows expected clean):'));
  });
  it('counts per note exactly, and works without a note column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-eval-notes-'));
    writeFileSync(
      join(dir, 'n.tsv'),
      'text\tsurface\texpected\tnote\nBabyAbuse\tusername\tflag\tminor+abuse\nCP Rail fans\tgroup_name\tflag\tcoded+exchange\nyoung pics swap\tgroup_name\tflag\tminor+media+exchange\nMinecraft map trade\tgroup_name\tclean\thard:gaming\n',
    );
    const r = run(join(dir, 'n.tsv'), '--by-note');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}coded\+exchange +1 +0\.0%$/m);
    assert.match(r.stdout, /^ {2}minor\+abuse +1 +100\.0%$/m);
    assert.match(r.stdout, /^ {2}hard:gaming +1 +100\.0%$/m);
    writeFileSync(join(dir, 'plain.tsv'), 'text\tsurface\texpected\nBabyAbuse\tusername\tflag\n');
    const p = run(join(dir, 'plain.tsv'), '--by-note');
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /^ {2}\(none\) +1 +100\.0%$/m);
  });
});
