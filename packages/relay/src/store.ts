// The relay's own database: a SQLite file by default, or PostgreSQL by URL (it may share a PostgreSQL database
// with the safety service: its tables are `messenger_*` and its migrations are recorded in a table of its own).
import { mkdirSync, chmodSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type CreateTableBuilder, type SchemaModule } from 'kysely';
import type { RelayDatabase } from './schema.ts';

export type RelayDialect = 'sqlite' | 'postgres';

export interface RelayStore {
  db: Kysely<RelayDatabase>;
  dialect: RelayDialect;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…`, or a SQLite file path (`:memory:` for tests). */
  database: string;
  /** PostgreSQL schema (tests isolate themselves in one). */
  pgSchema?: string;
}

const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openStore(o: StoreOptions): Promise<RelayStore> {
  let db: Kysely<RelayDatabase>;
  let dialect: RelayDialect;
  if (/^postgres(ql)?:\/\//.test(o.database)) {
    const pool = new pg.Pool({
      connectionString: o.database,
      max: 10,
      types: pgTypes as never,
      options: o.pgSchema ? `-c search_path=${o.pgSchema}` : undefined,
    });
    db = new Kysely<RelayDatabase>({ dialect: new PostgresDialect({ pool }) });
    dialect = 'postgres';
  } else {
    if (o.database !== ':memory:') {
      mkdirSync(dirname(o.database), { recursive: true, mode: 0o700 });
      // Queued ciphertext and password hashes: owner-only, like the safety service's own database.
      if (!existsSync(o.database)) {
        new Database(o.database).close();
        chmodSync(o.database, 0o600);
      }
    }
    const sqlite = new Database(o.database);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<RelayDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
    dialect = 'sqlite';
  }
  await migrate(db, dialect);
  return { db, dialect, close: () => db.destroy() };
}

/** A migration only changes the schema, so it gets the schema builder and no table types of today. */
interface RelayMigration {
  up(schema: SchemaModule): Promise<void>;
}

const migrations = (dialect: RelayDialect): Record<string, RelayMigration> => {
  const id = <T extends string>(t: CreateTableBuilder<T>) =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  return {
    '0001_messenger': {
      async up(schema) {
        await schema
          .createTable('messenger_accounts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('display_name', 'text')
          .addColumn('bio', 'text')
          .addColumn('avatar_url', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await schema
          .createTable('messenger_devices')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .execute();
        await id(schema.createTable('messenger_key_packages'))
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_resort', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await schema
          .createIndex('messenger_key_packages_account')
          .on('messenger_key_packages')
          .columns(['account_id', 'last_resort', 'id'])
          .execute();
        await id(schema.createTable('messenger_queue'))
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('envelope_id', 'text', (c) => c.notNull())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('sender', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('stamp', 'text')
          .addColumn('expires_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('messenger_queue_once', ['recipient', 'envelope_id'])
          .execute();
        await schema
          .createIndex('messenger_queue_recipient')
          .on('messenger_queue')
          .columns(['recipient', 'id'])
          .execute();
        await schema.createIndex('messenger_queue_created').on('messenger_queue').columns(['created_at']).execute();
        await schema
          .createTable('messenger_groups')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull().unique())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .addColumn('description', 'text')
          .addColumn('photo_url', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await schema
          .createTable('messenger_invites')
          .addColumn('code', 'text', (c) => c.primaryKey())
          .addColumn('group_id', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
        await schema
          .createTable('messenger_blobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await schema
          .createIndex('messenger_blobs_owner_created')
          .on('messenger_blobs')
          .columns(['owner', 'created_at'])
          .execute();
        await schema.createIndex('messenger_blobs_expires').on('messenger_blobs').columns(['expires_at']).execute();
        await schema
          .createTable('messenger_enforcement')
          .addColumn('action_id', 'text', (c) => c.primaryKey())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('subject_type', 'text', (c) => c.notNull())
          .addColumn('subject_id', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text')
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('applied_at', 'text', (c) => c.notNull())
          .addColumn('reversed_at', 'text')
          .execute();
        await schema
          .createIndex('messenger_enforcement_subject')
          .on('messenger_enforcement')
          .columns(['subject_type', 'subject_id'])
          .execute();
        await schema
          .createTable('messenger_webhook_receipts')
          .addColumn('event_id', 'text', (c) => c.primaryKey())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .execute();
        await id(schema.createTable('messenger_outbox'))
          .addColumn('event_id', 'text', (c) => c.notNull().unique())
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_at', 'text', (c) => c.notNull())
          .addColumn('last_error', 'text')
          .addColumn('sent_at', 'text')
          .addColumn('dead', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await schema
          .createIndex('messenger_outbox_due')
          .on('messenger_outbox')
          .columns(['sent_at', 'dead', 'next_at'])
          .execute();
        await schema
          .createTable('messenger_reports')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('reporter', 'text', (c) => c.notNull())
          .addColumn('subject_type', 'text', (c) => c.notNull())
          .addColumn('subject_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
};

/**
 * Applies what is missing, in order, in one transaction that holds a lock (PostgreSQL: an advisory lock; SQLite:
 * the write lock), so relays starting together migrate once. No catalogue introspection: several schemas may
 * live in one PostgreSQL database (tests, or a relay beside the safety service).
 */
async function migrate(db: Kysely<RelayDatabase>, dialect: RelayDialect) {
  const list = migrations(dialect);
  // The ledger of applied migrations, a table outside RelayDatabase: only this function reads it.
  const ledger = db.withTables<{ messenger_migration: { name: string; applied_at: string } }>();
  await ledger.schema
    .createTable('messenger_migration')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute()
    .catch(async (e) => {
      // Two processes creating it at the same moment on PostgreSQL: the loser sees a duplicate; fine if it now exists.
      await sql`SELECT 1 FROM messenger_migration LIMIT 1`.execute(ledger).catch(() => Promise.reject(e));
    });
  await ledger.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(7202612)`.execute(trx);
    else await sql`UPDATE messenger_migration SET name = name WHERE 0`.execute(trx); // takes SQLite's write lock now
    const done = new Set((await trx.selectFrom('messenger_migration').select('name').execute()).map((r) => r.name));
    for (const name of Object.keys(list).sort()) {
      if (done.has(name)) continue;
      await list[name]!.up(trx.schema);
      await trx.insertInto('messenger_migration').values({ name, applied_at: new Date().toISOString() }).execute();
    }
  });
}
