// Opens the database: embedded SQLite by default, PostgreSQL when a URL is given.
import { chmodSync, existsSync } from 'node:fs';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-driver.ts';
import { createPrivateFile, PRIVATE_FILE_MODE } from '../util/file-perms.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** postgres://… — when absent, SQLite at sqlitePath is used. */
  databaseUrl?: string;
  sqlitePath?: string;
  /** PostgreSQL schema to use (tests isolate themselves in one schema each). */
  pgSchema?: string;
  poolSize?: number;
}

// COUNT(*) and BIGSERIAL come back from pg as strings; ids and counts here fit in a double.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export function connect(opts: ConnectOptions): Db {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      types: pgTypes as never,
      options: opts.pgSchema ? `-c search_path=${opts.pgSchema}` : undefined,
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kysely, dialect: 'postgres', close: () => kysely.destroy() };
  }
  const path = opts.sqlitePath ?? './data/vigil.db';
  // The database holds reported plaintext and credential hashes: a new one is created owner-only
  // (0600, in a 0700 directory) before SQLite opens it. SQLite gives -wal/-shm the database file's
  // mode; they are tightened again after opening in case they were left over from an earlier run.
  const created = path !== ':memory:' && createPrivateFile(path);
  const sqlite = openSqlite(path);
  if (created) for (const f of [`${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, PRIVATE_FILE_MODE);
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kysely, dialect: 'sqlite', close: () => kysely.destroy() };
}
