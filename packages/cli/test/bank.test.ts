// `vigil bank import|export|list` and `vigil match` against a real SQLite data directory.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BRIDGE_MODS } from '../../pdq/test/shared.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const IMG = BRIDGE_MODS;
const ORIG_PDQ = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';

describe('vigil bank and vigil match', () => {
  const data = mkdtempSync(join(tmpdir(), 'vigil-bank-'));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args, '--data', data, '--log-level', 'silent'], {
      encoding: 'utf8',
    });

  it('imports all or nothing, lists, exports and matches', () => {
    const list = join(data, 'list.csv');
    writeFileSync(list, `signal_type,signal,external_id,tags\npdq,${ORIG_PDQ},e1,x;y\nmd5,${'ab'.repeat(16)},e2,\n`);
    const missing = run('bank', 'import', 'KNOWN', list);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /bank "KNOWN" not found \(add --create/);
    const ok = run('bank', 'import', 'KNOWN', list, '--create', 'block', '--source', 'fixture');
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { bank: 'KNOWN', read: 2, added: 2, duplicates: 0 });

    const bad = join(data, 'bad.txt');
    writeFileSync(bad, `${'cd'.repeat(32)}\nnot-a-hash\n`);
    const rejected = run('bank', 'import', 'KNOWN', bad, '--signal-type', 'pdq');
    assert.equal(rejected.status, 1);
    assert.match(rejected.stderr, /entry 2: not a pdq hash/);

    const ls = run('bank', 'list', '--json');
    assert.deepEqual(
      JSON.parse(ls.stdout).banks,
      [{ name: 'KNOWN', kind: 'block', enabled: true, entries: 2 }],
      'the rejected file added nothing',
    );

    const out = join(data, 'out.csv');
    assert.equal(run('bank', 'export', 'KNOWN', '-o', out).status, 0);
    assert.equal(
      readFileSync(out, 'utf8'),
      `signal_type,signal,external_id,tags,note,source,confirmed,disabled\npdq,${ORIG_PDQ},e1,x;y,,fixture,0,0\nmd5,${'ab'.repeat(16)},e2,,,fixture,0,0\n`,
    );
    assert.equal(run('bank', 'export', 'KNOWN', '--format', 'plain').stdout, `${ORIG_PDQ}\n${'ab'.repeat(16)}\n`);

    const m = run('match', join(IMG, 'blur-a-lot.jpg'), join(IMG, 'square-128x128.jpg'), 'ab'.repeat(16));
    assert.equal(m.status, 0, m.stderr);
    const lines = m.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines[0].hash, 'ab'.repeat(16));
    assert.equal(lines[0].matches[0].external_id, 'e2');
    assert.equal(lines[1].matches[0].bank, 'KNOWN');
    assert.ok(lines[1].matches[0].distance <= 31);
    assert.match(m.stderr, /matched/);
  });
});
