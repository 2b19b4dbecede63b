// `vigil rules backtest --rule FILE --since DATE` as an analyst runs it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestDb, TestClock, silentLog } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { loadConfig } from '../src/config.ts';
import { CLI_MAIN } from './process.ts';

describe('vigil rules backtest', () => {
  it('reports what a rule would have matched, and explains a bad rule', { timeout: 60_000 }, async () => {
    const t = await openTestDb('sqlite');
    try {
      const clock = new TestClock(new Date('2026-11-20T12:00:00Z'));
      await ingestEvents(
        t.db.kysely,
        'default',
        validateEvents([
          {
            id: 'a',
            type: 'account.created',
            occurred_at: '2026-11-10T10:00:00Z',
            account: { id: 'u1', username: 'swap_meet_ana' },
          },
          {
            id: 'b',
            type: 'account.created',
            occurred_at: '2026-11-15T10:00:00Z',
            account: { id: 'u2', username: 'swap_bob' },
          },
          {
            id: 'c',
            type: 'account.created',
            occurred_at: '2026-11-15T11:00:00Z',
            account: { id: 'u3', username: 'carol' },
          },
        ]),
        clock,
      );
      const w = new Worker({
        db: t.db,
        handlers: jobHandlers(loadConfig({ env: {} })),
        clock,
        log: silentLog,
        workerId: 't',
      });
      while ((await w.runOnce()) > 0);
      const rule = join(t.dataDir, 'rule.json');
      writeFileSync(
        rule,
        JSON.stringify({
          expression: "subject.username.startsWith('swap')",
          outcome: { type: 'label', label: 'swap' },
        }),
      );
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', CLI_MAIN, 'rules', 'backtest', '--data', t.dataDir, ...args], {
          encoding: 'utf8',
        });
      const r = run('--rule', rule, '--since', '2026-11-12', '--json');
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.events, 2);
      assert.deepEqual(
        report.subjects.map((s: { id: string }) => s.id),
        ['u2'],
      );
      const human = run('--rule', rule, '--since', '2026-11-01');
      assert.match(human.stdout, /3 events replayed; the rule matched 2 of them, on 2 subject\(s\)/);
      writeFileSync(
        rule,
        JSON.stringify({ expression: 'subject.username.startsWith(', outcome: { type: 'label', label: 'x' } }),
      );
      const bad = run('--rule', rule, '--since', '2026-11-01');
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /line 1, column \d+/);
      const badDate = run('--rule', rule, '--since', 'last tuesday');
      assert.match(badDate.stderr, /--since: not a date/);
    } finally {
      await t.cleanup();
    }
  });
});
