import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, migrateToLatest } from '@vigil/server';
import { appendAudit } from '../../server/src/audit/log.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('vigil transparency', () => {
  const data = mkdtempSync(join(tmpdir(), 'vigil-tr-'));
  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', MAIN, 'transparency', ...args, '--data', data, '--log-level', 'silent'],
      { encoding: 'utf8' },
    );
  it('prints JSON, CSV and HTML for a period and rejects a bad one', () => {
    const json = run('--from', '2026-01-01', '--to', '2026-12-31');
    assert.equal(json.status, 0, json.stderr);
    const t = JSON.parse(json.stdout);
    assert.equal(t.period.from, '2026-01-01T00:00:00.000Z');
    assert.equal(t.period.to, '2027-01-01T00:00:00.000Z', 'the last day is included');
    assert.deepEqual(t.subjects_actioned, { accounts: 0, groups: 0 });
    assert.match(
      run('--from', '2026-01-01', '--to', '2026-12-31', '--format', 'csv').stdout,
      /^section,key,value\nperiod,from,2026-01-01T00:00:00.000Z\n/,
    );
    // HTML and text say each figure in the words the JSON carries for it (the console shows the same ones).
    const html = run('--from', '2026-01-01', '--to', '2026-12-31', '--format', 'html').stdout;
    const text = run('--from', '2026-01-01', '--to', '2026-12-31', '--format', 'text').stdout;
    assert.match(html, /<h1>Transparency report<\/h1>/);
    assert.match(text, /^Transparency report, 2026-01-01 to 2026-12-31/);
    for (const f of t.key_figures) {
      assert.ok(html.includes(`${f.part_of ? '… ' : ''}${f.label}</th><td>${f.value}</td>`), `HTML has "${f.label}"`);
      assert.match(text, new RegExp(`${f.part_of ? '  … ' : ''}${f.label.replace(/[()]/g, '\\$&')} +${f.value}\\n`));
    }
    for (const b of t.breakdowns)
      assert.ok(html.includes(`<h2>${b.title}</h2>`) && text.includes(`\n${b.title}\n`), `both have "${b.title}"`);
    assert.equal(t.breakdowns.length, 6);
    const bad = run('--from', '2026-12-31', '--to', '2026-01-01');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /to must be after from/);
    assert.equal(run('--from', '2026-01-01', '--to', '2026-12-31', '--format', 'xml').status, 1);
  });

  it('says a period with records in words, not codes, in HTML and text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tr-'));
    const db = connect({ sqlitePath: join(dir, 'vigil.db') });
    await migrateToLatest(db);
    const at = '2026-03-10T12:00:00.000Z';
    await appendAudit(
      db.kysely,
      {
        actor: 'staff:1',
        action: 'case.decide',
        subjectType: 'account',
        subjectId: 'a1',
        data: { decision: 'not_violating' },
      },
      { now: () => new Date(at) },
    );
    await db.kysely
      .insertInto('enforcement_actions')
      .values({
        platform: 'default',
        subject_type: 'account',
        subject_id: 'a2',
        action: 'suspend',
        params: '{}',
        status: 'active',
        reason: 'r',
        task_id: null,
        decided_by: 1,
        approved_by: null,
        created_at: at,
        expires_at: null,
        reversed_at: null,
      })
      .execute();
    await db.kysely
      .insertInto('signals')
      .values({
        platform: 'default',
        subject_type: 'account',
        subject_id: 'a2',
        kind: 'media.match',
        severity: 4,
        summary: 's',
        evidence: JSON.stringify({ bank: 'CONFIRMED' }),
        event_id: null,
        dedupe_key: 'k-1',
        created_at: at,
      } as never)
      .execute();
    await db.close();
    const out = (format: string) => {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          MAIN,
          'transparency',
          '--from',
          '2026-01-01',
          '--to',
          '2026-12-31',
          '--format',
          format,
          '--data',
          dir,
          '--log-level',
          'silent',
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const t = JSON.parse(out('json'));
    assert.deepEqual(t.actions_by_type, { suspend: 1 }, 'the JSON keeps the codes for machines');
    const actions = t.breakdowns.find((b: { section: string }) => b.section === 'actions_by_type');
    assert.deepEqual(actions.rows, [{ code: 'suspend', label: 'Account suspensions', value: 1 }]);
    for (const format of ['html', 'text']) {
      const page = out(format);
      for (const words of ['Account suspensions', 'Not violating', 'Confirmed by our reviewers'])
        assert.ok(page.includes(words), `${format} says "${words}"`);
      assert.doesNotMatch(page, /not_violating|\bsuspend\b|CONFIRMED/, `${format} shows no internal code`);
    }
  });
});
