import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('vigil transparency', () => {
  const data = mkdtempSync(join(tmpdir(), 'vigil-tr-'));
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'transparency', ...args, '--data', data, '--log-level', 'silent'], { encoding: 'utf8' });
  it('prints JSON, CSV and HTML for a period and rejects a bad one', () => {
    const json = run('--from', '2026-01-01', '--to', '2026-12-31');
    assert.equal(json.status, 0, json.stderr);
    const t = JSON.parse(json.stdout);
    assert.equal(t.period.from, '2026-01-01T00:00:00.000Z');
    assert.equal(t.period.to, '2027-01-01T00:00:00.000Z', 'the last day is included');
    assert.deepEqual(t.subjects_actioned, { accounts: 0, groups: 0 });
    assert.match(run('--from', '2026-01-01', '--to', '2026-12-31', '--format', 'csv').stdout, /^section,key,value\nperiod,from,2026-01-01T00:00:00.000Z\n/);
    // HTML and text say each figure in the words the JSON carries for it (the console shows the same ones).
    const html = run('--from', '2026-01-01', '--to', '2026-12-31', '--format', 'html').stdout;
    const text = run('--from', '2026-01-01', '--to', '2026-12-31', '--format', 'text').stdout;
    assert.match(html, /<h1>Transparency report<\/h1>/);
    assert.match(text, /^Transparency report, 2026-01-01 to 2026-12-31/);
    for (const f of t.key_figures) {
      assert.ok(html.includes(`${f.part_of ? '… ' : ''}${f.label}</th><td>${f.value}</td>`), `HTML has "${f.label}"`);
      assert.match(text, new RegExp(`${f.part_of ? '  … ' : ''}${f.label.replace(/[()]/g, '\\$&')} +${f.value}\\n`));
    }
    for (const b of t.breakdowns) assert.ok(html.includes(`<h2>${b.title}</h2>`) && text.includes(`\n${b.title}\n`), `both have "${b.title}"`);
    assert.equal(t.breakdowns.length, 6);
    const bad = run('--from', '2026-12-31', '--to', '2026-01-01');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /to must be after from/);
    assert.equal(run('--from', '2026-01-01', '--to', '2026-12-31', '--format', 'xml').status, 1);
  });
});
