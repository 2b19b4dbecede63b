// Blinded tables for private matching, built from the hash banks: every enabled block bank's SHA-256
// entries (exact mode) or PDQ entries (perceptual mode), with the optional two-bank rule. Each build is
// a new version, signed; clients refuse older versions, and anyone can compare the published roots.
import type { Kysely } from 'kysely';
import { buildExactTable, buildPerceptualTable, verifyTable, type ListEntry, type PsiTable } from '@vigil/crypto/psi';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, type Clock } from '../util/time.ts';
import { VigilError } from '../errors.ts';
import { fastGroup, type PsiKeys } from './keys.ts';

export interface TableInfo {
  version: number;
  mode: string;
  root: string;
  threshold: number;
  slots: number;
  created_at: string;
}

const info = (r: {
  version: number;
  mode: string;
  root: string;
  threshold: number;
  slots: number;
  created_at: string;
}): TableInfo => ({
  version: Number(r.version),
  mode: r.mode,
  root: r.root,
  threshold: Number(r.threshold),
  slots: Number(r.slots),
  created_at: r.created_at,
});

/** Builds, signs and stores the next table version from the banks as they are now. */
export async function buildPsiTable(
  db: Kysely<Database>,
  cfg: Config,
  keys: PsiKeys,
  actor: string,
  clock: Clock,
): Promise<TableInfo & { listed: number; bytes: number }> {
  const signal = cfg.psi.mode === 'exact' ? 'sha256' : 'pdq';
  const rows = await db
    .selectFrom('bank_entries')
    .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
    .select(['bank_entries.value', 'banks.name'])
    .where('banks.kind', '=', 'block')
    .where('banks.enabled', '=', 1)
    .where('bank_entries.signal_type', '=', signal)
    .execute();
  const entries: ListEntry[] = rows.map((r) => ({ hash: r.value, bankId: r.name }));
  await fastGroup();
  const last = await db
    .selectFrom('psi_tables')
    .select(({ fn }) => fn.max('version').as('v'))
    .executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  const opts = {
    serverKey: keys.serverKey,
    signingKey: keys.signingKey,
    version,
    threshold: cfg.psi.threshold,
    minBanks: cfg.psi.minBanks,
    ...(cfg.psi.capacity ? { capacity: cfg.psi.capacity } : {}),
  };
  const table = cfg.psi.mode === 'exact' ? buildExactTable(entries, opts) : buildPerceptualTable(entries, opts);
  const listed = new Set(entries.map((e) => `${e.bankId}|${e.hash}`)).size;
  const now = iso(clock.now());
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('psi_tables')
      .values({
        version,
        mode: table.mode,
        root: table.rootHex,
        threshold: table.threshold,
        listed,
        slots: table.slots,
        data: Buffer.from(table.bytes).toString('base64'),
        created_by: actor,
        created_at: now,
      })
      .execute();
    await appendAudit(
      trx,
      {
        actor,
        action: 'psi.table.build',
        subjectType: 'psi_table',
        subjectId: String(version),
        data: {
          mode: table.mode,
          root: table.rootHex,
          threshold: table.threshold,
          bank_entries: entries.length,
          min_banks: cfg.psi.minBanks,
          slots: table.slots,
        },
      },
      clock,
    );
  });
  cache.clear();
  return {
    ...info({
      version,
      mode: table.mode,
      root: table.rootHex,
      threshold: table.threshold,
      slots: table.slots,
      created_at: now,
    }),
    listed,
    bytes: table.bytes.length,
  };
}

export async function listTables(db: Kysely<Database>): Promise<TableInfo[]> {
  return (
    await db
      .selectFrom('psi_tables')
      .select(['version', 'mode', 'root', 'threshold', 'slots', 'created_at'])
      .orderBy('version', 'desc')
      .execute()
  ).map(info);
}

export async function latestTable(db: Kysely<Database>): Promise<TableInfo | null> {
  return (await listTables(db))[0] ?? null;
}

export async function tableBytes(db: Kysely<Database>, version: number): Promise<Uint8Array> {
  const r = await db.selectFrom('psi_tables').select('data').where('version', '=', version).executeTakeFirst();
  if (!r) throw new VigilError('not_found', `no private-matching table version ${version}`);
  return new Uint8Array(Buffer.from(r.data, 'base64'));
}

// Decoded tables are large and immutable: keep the few most recent per process.
const cache = new Map<number, PsiTable>();
export async function loadTable(
  db: Kysely<Database>,
  version: number,
  signingPublic: Uint8Array,
): Promise<PsiTable | null> {
  const hit = cache.get(version);
  if (hit) return hit;
  const r = await db.selectFrom('psi_tables').select('data').where('version', '=', version).executeTakeFirst();
  if (!r) return null;
  const t = verifyTable(new Uint8Array(Buffer.from(r.data, 'base64')), signingPublic); // a row altered in the database fails here
  if (cache.size >= 4) cache.delete(cache.keys().next().value!);
  cache.set(version, t);
  return t;
}
