// A real crash: `vigil exchange fetch` is killed (SIGKILL) while NCMEC's page 3 hangs. The two pages
// it committed stay, with their checkpoint; the dead process's lease stays until it expires; the
// next fetch resumes at page 3 and no entry is applied twice. Benign fixture hashes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { DIALECTS, openTestDb } from './helpers.ts';
import { CLI_MAIN, waitExit } from './process.ts';
import { startFakeNcmec } from './fakes/ncmec-hash-api.ts';
import { createExchange } from '../src/exchanges/store.ts';
import { systemClock } from '../src/util/time.ts';

const md5 = (i: number) => createHash('md5').update(`benign-crash-fixture-${i}`).digest('hex');

function cli(env: Record<string, string | undefined>, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

for (const dialect of DIALECTS) {
  describe(`exchange crash resume (${dialect})`, () => {
    it('a fetch killed on page 3 resumes from page 3 with no entry lost or doubled', async () => {
      const t = await openTestDb(dialect);
      const now = Math.floor(Date.now() / 1000);
      const fake = await startFakeNcmec({
        username: 'esp',
        password: 'pw',
        pageSize: 2,
        entries: Array.from({ length: 7 }, (_, i) => ({
          id: `c${i}`,
          kind: 'image' as const,
          timestamp: now - 100 + i,
          md5: md5(i),
        })),
      });
      try {
        const cfgFile = join(t.dataDir, 'vigil.json');
        writeFileSync(cfgFile, JSON.stringify({ exchanges: { allowPrivateTargets: true } }));
        const env = { ...t.env, VIGIL_CONFIG: cfgFile };
        await createExchange(
          t.db.kysely,
          { name: 'CRASH', type: 'ncmec', config: { base_url: fake.url, username: 'esp', password: 'pw' } },
          'test',
          systemClock,
        );
        const entryCalls = () => fake.requests.filter((q) => q.startsWith('/v2/entries'));
        const exchange = () =>
          t.db.kysely.selectFrom('exchanges').selectAll().where('name', '=', 'CRASH').executeTakeFirstOrThrow();
        const entries = () =>
          t.db.kysely.selectFrom('bank_entries').select('value').where('source', '=', 'exchange:CRASH').execute();

        fake.stallOn.add(3);
        const first = cli(env, ['exchange', 'fetch', 'CRASH']);
        const deadline = Date.now() + 90_000; // a loaded 2-core machine starts tsx slowly
        while (entryCalls().length < 3) {
          assert.ok(
            Date.now() < deadline && first.child.exitCode === null,
            `the fetch never reached page 3:\n${first.output()}`,
          );
          await new Promise((r) => setTimeout(r, 25));
        }
        first.child.kill('SIGKILL');
        await waitExit(first.child);

        let ex = await exchange();
        assert.match(JSON.parse(ex.checkpoint!).next, /start=4/, 'the checkpoint of page 2 was committed');
        assert.equal((await entries()).length, 4);
        assert.ok(
          ex.locked_by && ex.locked_until! > new Date().toISOString(),
          'the dead fetch still holds its lease (a second fetch would answer busy)',
        );

        // The lease runs out (maxFetchMs + 60 s; set back here rather than waited for).
        await t.db.kysely
          .updateTable('exchanges')
          .set({ locked_until: '2000-01-01T00:00:00.000Z' })
          .where('name', '=', 'CRASH')
          .execute();
        fake.stallOn.clear();
        const again = cli(env, ['exchange', 'fetch', 'CRASH']);
        assert.equal(await waitExit(again.child), 0, again.output());
        const r = JSON.parse(again.output().trim().split('\n').at(-1)!);
        assert.deepEqual([r.status, r.pages, r.added], ['ok', 2, 3]);
        assert.deepEqual(
          entryCalls().map((q) => new URL(q, 'http://x').searchParams.get('start') ?? '0'),
          ['0', '2', '4', '4', '6'],
          'pages 1 and 2 were not fetched again',
        );
        const values = (await entries()).map((e) => e.value).sort();
        assert.deepEqual(values, Array.from({ length: 7 }, (_, i) => md5(i)).sort(), 'every entry, once');
        ex = await exchange();
        assert.deepEqual([ex.last_status, ex.locked_by], ['ok', null]);
      } finally {
        await fake.close();
        await t.cleanup();
      }
    });
  });
}
