import type { Command } from 'commander';
import { createApiKey, migrateToLatest, openDb, revokeApiKey, SCOPES, systemClock, type Scope } from '@vigil/server';
import { configFrom, fatal, withServiceOptions } from '../options.ts';

export function keysCommand(program: Command) {
  const keys = program.command('keys').description('manage platform API keys');
  withServiceOptions(
    keys
      .command('create')
      .description('create a scoped API key (printed once)')
      .requiredOption('-n, --name <name>', 'what the key is for')
      .option('--platform <id>', 'platform the key ingests for', 'default')
      .option('-s, --scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, 'ingest'),
  ).action(async (opts) => {
    const cfg = (() => {
      try {
        return configFrom(opts);
      } catch (e) {
        fatal(e);
      }
    })();
    const db = openDb(cfg);
    try {
      await migrateToLatest(db);
      const k = await createApiKey(
        db.kysely,
        {
          name: opts.name,
          platform: opts.platform,
          scopes: String(opts.scopes).split(',') as Scope[],
          createdBy: null,
          actor: 'cli',
        },
        systemClock,
      );
      process.stdout.write(`${k.key}\n`);
      process.stderr.write(
        `key ${k.id} "${k.name}" for platform ${k.platform}, scopes ${k.scopes.join(',')}: store it now, it is not shown again\n`,
      );
    } catch (e) {
      fatal(e);
    } finally {
      await db.close();
    }
  });
  withServiceOptions(keys.command('revoke <id>').description('revoke an API key')).action(async (id: string, opts) => {
    const cfg = (() => {
      try {
        return configFrom(opts);
      } catch (e) {
        fatal(e);
      }
    })();
    const db = openDb(cfg);
    try {
      if (!(await revokeApiKey(db.kysely, Number(id), 'cli', systemClock))) throw new Error(`no active API key ${id}`);
      process.stdout.write(`revoked key ${id}\n`);
    } catch (e) {
      fatal(e);
    } finally {
      await db.close();
    }
  });
}
