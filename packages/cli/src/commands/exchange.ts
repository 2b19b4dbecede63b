// `vigil exchange list|fetch <name>`: hash exchanges from the terminal, against the configured database.
import type { Command } from 'commander';
import { exchangeJson, runExchange, systemClock } from '@vigil/server';
import { hostname } from 'node:os';
import { withDb, withServiceOptions } from '../options.ts';

export function exchangeCommand(program: Command) {
  const ex = program.command('exchange').description('hash exchanges (file/URL lists, peers, NCMEC, ThreatExchange)');
  withServiceOptions(
    ex.command('list').description('exchanges with their last fetch').option('--json', 'print JSON'),
  ).action((opts) =>
    withDb(opts, async (db) => {
      const rows = (await db.kysely.selectFrom('exchanges').selectAll().orderBy('name').execute()).map(exchangeJson);
      if (opts.json) process.stdout.write(JSON.stringify({ exchanges: rows }) + '\n');
      else
        for (const r of rows)
          process.stdout.write(
            `${r.name}\t${r.type}\t${r.enabled ? 'enabled' : 'disabled'}\t${r.last_status ?? 'never fetched'}\t${r.last_fetch_at ?? ''}\t${r.last_error ?? ''}\n`,
          );
    }),
  );
  withServiceOptions(ex.command('fetch <name>').description('fetch an exchange now; exit 1 if it fails')).action(
    (name: string, opts) =>
      withDb(opts, async (db, cfg) => {
        const r = await runExchange(db.kysely, name, {
          cfg,
          clock: systemClock,
          owner: `cli:${hostname()}:${process.pid}`,
        });
        process.stdout.write(JSON.stringify(r) + '\n');
        process.exitCode = r.status === 'ok' ? 0 : 1;
      }),
  );
}
