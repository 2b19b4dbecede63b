// The embedded SQLite driver. better-sqlite3 on Node 20–23; Node's own node:sqlite on Node ≥ 24,
// where better-sqlite3 12 (the last line that builds for Node 20) aborts in a GC finaliser
// (nodejs/node#65446). Both are wrapped to the interface Kysely's SqliteDialect expects.
import { createRequire } from 'node:module';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const require = createRequire(import.meta.url);

export type SqliteDriverName = 'better-sqlite3' | 'node:sqlite';

function defaultSqliteDriver(): SqliteDriverName {
  const forced = process.env.VIGIL_SQLITE_DRIVER;
  if (forced === 'better-sqlite3' || forced === 'node:sqlite') return forced;
  return Number(process.versions.node.split('.')[0]) >= 24 ? 'node:sqlite' : 'better-sqlite3';
}

const PRAGMAS = [
  // WAL: readers never block the writer; NORMAL sync is durable across process crashes (kill -9).
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = NORMAL',
  'PRAGMA busy_timeout = 5000',
  'PRAGMA foreign_keys = ON',
];

// The part of node:sqlite used here (its types are not in @types/node 20).
interface NodeSqliteStatement {
  columns(): unknown[];
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
interface NodeSqliteDb {
  exec(sql: string): void;
  prepare(sql: string): NodeSqliteStatement;
  close(): void;
}

/**
 * Kysely prepares every query anew; compiling the SQL was a third of the relay's time per send. Statements are
 * kept by their text (a few hundred distinct queries in all) and reused: safe because Kysely runs one query at a
 * time on the connection, and SQLite recompiles a kept statement itself after a schema change.
 */
function withStatementCache(db: SqliteDatabase, max = 1000): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql); // most recently used last
        cache.set(sql, stmt);
        return stmt;
      }
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

export function openSqlite(path: string, driver = defaultSqliteDriver()): SqliteDatabase {
  return withStatementCache(openRawSqlite(path, driver));
}

function openRawSqlite(path: string, driver: SqliteDriverName): SqliteDatabase {
  if (driver === 'better-sqlite3') {
    const Database = require('better-sqlite3');
    const db = new Database(path);
    for (const p of PRAGMAS) db.exec(p);
    return db as SqliteDatabase;
  }
  const { DatabaseSync } = require('node:sqlite') as { DatabaseSync: new (path: string) => NodeSqliteDb };
  const db = new DatabaseSync(path);
  for (const p of PRAGMAS) db.exec(p);
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const stmt = db.prepare(sql);
      const reader = stmt.columns().length > 0;
      return {
        reader,
        // node:sqlite rows have a null prototype; plain objects make both drivers return the same values.
        all: (params: ReadonlyArray<unknown>) => stmt.all(...params).map((r) => ({ ...(r as object) })),
        run: (params: ReadonlyArray<unknown>) => {
          const r = stmt.run(...params);
          return { changes: Number(r.changes), lastInsertRowid: r.lastInsertRowid };
        },
        iterate: function* (params: ReadonlyArray<unknown>) {
          for (const r of stmt.iterate(...params)) yield { ...(r as object) };
        },
      };
    },
  } as SqliteDatabase;
}
