// Append-only, hash-chained audit log. Each entry commits with the change it records,
// in the caller's transaction, so the log never says more or less than what happened.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AuditEntry, Database } from '../db/schema.ts';
import { canonicalJson, toJson } from '../util/json.ts';
import { iso, systemClock, type Clock } from '../util/time.ts';

export interface AuditInput {
  actor: string; // "staff:3", "key:7", "system", "cli"
  action: string; // "staff.login", "evidence.view", "api_key.create", …
  subjectType?: string | null;
  subjectId?: string | null;
  reason?: string | null;
  data?: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Every column of an entry except the chain itself. */
export type ChainFields = Omit<AuditEntry, 'prev_hash' | 'hash'>;

/** The hash of one entry: covers every field and the previous entry's hash. */
export function entryHash(prevHash: string, f: ChainFields): string {
  const body = canonicalJson({
    seq: f.seq,
    at: f.at,
    actor: f.actor,
    action: f.action,
    subject_type: f.subject_type,
    subject_id: f.subject_id,
    reason: f.reason,
    data: f.data,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** Appends one entry. Must run inside a transaction: the head row is locked to serialise the chain. */
export async function appendAudit(
  trx: Kysely<Database>,
  input: AuditInput,
  clock: Clock = systemClock,
): Promise<number> {
  if (!trx.isTransaction) {
    return trx.transaction().execute((t) => appendAudit(t, input, clock));
  }
  // A no-op write first: it takes the row lock on PostgreSQL and the write lock on SQLite,
  // so concurrent appends queue here instead of forking the chain.
  await trx
    .updateTable('audit_head')
    .set({ seq: sql`seq` })
    .where('id', '=', 1)
    .execute();
  const prev = (await trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst()) ?? {
    seq: 0,
    hash: GENESIS_HASH,
  };
  const fields: ChainFields = {
    seq: Number(prev.seq) + 1,
    at: iso(clock.now()),
    actor: input.actor,
    action: input.action,
    subject_type: input.subjectType ?? null,
    subject_id: input.subjectId ?? null,
    reason: input.reason ?? null,
    data: toJson(input.data ?? {}),
  };
  const hash = entryHash(prev.hash, fields);
  await trx
    .insertInto('audit_log')
    .values({ ...fields, prev_hash: prev.hash, hash })
    .execute();
  await trx.updateTable('audit_head').set({ seq: fields.seq, hash }).where('id', '=', 1).execute();
  return fields.seq;
}
