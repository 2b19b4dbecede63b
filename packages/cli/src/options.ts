// Flags shared by the commands that open the service's configuration.
import type { Command } from 'commander';
import { loadConfig, isVigilError, migrateToLatest, openDb, type Config, type Db } from '@vigil/server';

export function withServiceOptions(cmd: Command): Command {
  return cmd
    .option('-p, --port <port>', 'HTTP port (env PORT, default 8080)')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('-d, --data <dir>', 'data directory (env VIGIL_DATA, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL); SQLite in the data directory without it')
    .option('-c, --config <file>', 'JSON config file (env VIGIL_CONFIG)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL)')
    .option('--workers <n>', 'job workers in this process (env VIGIL_WORKERS, default 1)');
}

export function configFrom(opts: Record<string, string | undefined>): Config {
  return loadConfig({
    file: opts.config,
    flags: {
      port: opts.port,
      host: opts.host,
      dataDir: opts.data,
      databaseUrl: opts.databaseUrl,
      logLevel: opts.logLevel,
      workers: opts.workers,
    },
  });
}

/** Prints a clear message for expected failures (bad config, bad input) instead of a stack trace. */
export function fatal(err: unknown): never {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`vigil: ${msg}\n`);
  process.exit(isVigilError(err, 'invalid_config') ? 2 : 1);
}

/** Opens the configured database (migrated), runs `fn`, closes it; expected failures end the process clearly. */
export async function withDb<T>(
  opts: Record<string, string | undefined>,
  fn: (db: Db, cfg: Config) => Promise<T>,
): Promise<T> {
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
    return await fn(db, cfg);
  } catch (e) {
    fatal(e);
  } finally {
    await db.close();
  }
}
