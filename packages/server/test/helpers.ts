// Test fixtures on real databases: a temp SQLite file, or a fresh schema on the local PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { connect, type Db, type DialectName } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { buildApp } from '../src/app.ts';
import type { AppContext } from '../src/context.ts';
import { BankIndex } from '../src/media/bank-index.ts';
import { createStaff } from '../src/auth/staff.ts';
import { createApiKey } from '../src/auth/api-keys.ts';
import type { Clock } from '../src/util/time.ts';
import type { Role, Scope } from '../src/auth/roles.ts';
import type { VigilApp, RouteModule } from '../src/http/route.ts';

export const PG_URL = process.env.VIGIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];
/** The key-encryption key test processes on PostgreSQL share (32 bytes, base64). */
export const TEST_KEK = Buffer.alloc(32, 7).toString('base64');

export interface TestDb {
  db: Db;
  dialect: DialectName;
  /** What a second process would use to open the same database. */
  env: { DATABASE_URL?: string; VIGIL_DATA: string; PGOPTIONS?: string; VIGIL_KEY_ENCRYPTION_KEY?: string };
  pgSchema?: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

export async function openTestDb(dialect: DialectName, migrate = true): Promise<TestDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  if (dialect === 'sqlite') {
    const db = connect({ sqlitePath: join(dataDir, 'vigil.db') });
    if (migrate) await migrateToLatest(db);
    return {
      db,
      dialect,
      dataDir,
      env: { VIGIL_DATA: dataDir },
      async cleanup() {
        await db.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = connect({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 5 });
  // Test files run in parallel; schema DDL (create, migrate, drop) is serialised across them, because
  // catalogue introspection can trip over another file's schema being dropped at the same moment.
  await withDdlLock(async (c) => {
    await c.query(`CREATE SCHEMA ${schema}`);
    if (migrate) await migrateToLatest(db);
  });
  return {
    db,
    dialect,
    dataDir,
    pgSchema: schema,
    // Processes sharing a PostgreSQL database share their keys through it (keys/keyring.ts).
    env: { DATABASE_URL: pgUrlWithSchema(schema), VIGIL_DATA: dataDir, VIGIL_KEY_ENCRYPTION_KEY: TEST_KEK },
    async cleanup() {
      await db.close();
      await withDdlLock((c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function withDdlLock<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query('SELECT pg_advisory_lock(707070)');
    return await f(c);
  } finally {
    await c.query('SELECT pg_advisory_unlock(707070)').catch(() => {});
    await c.end();
  }
}

/** Runs schema DDL (a migration) under the same lock as creating and dropping test schemas. */
export async function migrateLocked(t: TestDb): Promise<string[]> {
  return t.dialect === 'postgres' ? withDdlLock(() => migrateToLatest(t.db)) : migrateToLatest(t.db);
}

/** A URL that puts a separate process into the test's schema (libpq `options`). */
function pgUrlWithSchema(schema: string): string {
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export class TestClock implements Clock {
  constructor(public t = new Date('2026-11-01T12:00:00Z')) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
}

export const silentLog = pino({ level: 'silent' });

export function testConfig(t: TestDb, extra: Partial<Config> = {}): Config {
  const cfg = loadConfig({ env: {}, flags: { dataDir: t.dataDir } });
  // Test files register dozens of users from 127.0.0.1; report-integrity.test.ts tests the limit itself.
  cfg.relay.limits.registrationsPerAddressPerHour = 0;
  return { ...cfg, ...extra };
}

export interface TestApp {
  app: VigilApp;
  ctx: AppContext;
  t: TestDb;
  clock: TestClock;
  close(): Promise<void>;
}

export async function testApp(
  dialect: DialectName,
  extra: Partial<Config> = {},
  extraRoutes: RouteModule[] = [],
  o: { log?: Logger } = {},
): Promise<TestApp> {
  const t = await openTestDb(dialect);
  const clock = new TestClock(new Date());
  const ctx: AppContext = {
    cfg: testConfig(t, extra),
    db: t.db,
    clock,
    log: o.log ?? silentLog,
    jobsAdded: () => {},
    bankIndex: new BankIndex(),
  };
  const app = await buildApp(ctx, extraRoutes);
  await app.ready();
  return {
    app,
    ctx,
    t,
    clock,
    async close() {
      await app.close();
      await t.cleanup();
    },
  };
}

export interface StaffSession {
  cookie: string;
  csrf: string;
  id: number;
}

export async function staffSession(
  ta: TestApp,
  role: Role,
  username = `${role}-${randomBytes(3).toString('hex')}`,
): Promise<StaffSession> {
  const password = 'correct horse battery staple';
  const s = await createStaff(ta.ctx.db.kysely, { username, role, password }, 'test', ta.clock);
  const res = await ta.app.inject({ method: 'POST', url: '/v1/session', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]!;
  return { cookie, csrf: res.json().csrf_token, id: s.id };
}

export async function apiKey(ta: TestApp, scopes: Scope[], platform = 'default'): Promise<string> {
  return (
    await createApiKey(
      ta.ctx.db.kysely,
      { name: `test ${scopes.join(',')}`, platform, scopes, createdBy: null, actor: 'test' },
      ta.clock,
    )
  ).key;
}

export function accountEvent(i: number, extra: Record<string, unknown> = {}) {
  return {
    id: `evt-${i}`,
    type: 'account.created',
    occurred_at: '2026-11-01T10:00:00Z',
    account: { id: `u-${i % 1000}`, username: `user_${i}`, display_name: `User ${i}` },
    ...extra,
  };
}

/** Runs the queued jobs until none is due (analysis, decision subscribers, filings), as `vigil serve`'s workers would. */
export async function drainJobs(ta: TestApp): Promise<void> {
  const [{ Worker }, { jobHandlers }] = await Promise.all([
    import('../src/queue/worker.ts'),
    import('../src/service.ts'),
  ]);
  const w = new Worker({
    db: ta.ctx.db,
    handlers: jobHandlers(ta.ctx.cfg),
    clock: ta.clock,
    log: silentLog,
    workerId: 'test-drain',
  });
  while ((await w.runOnce()) > 0);
}
