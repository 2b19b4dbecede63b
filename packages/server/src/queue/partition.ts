// Events about one subject are analysed in the order they were accepted, however many workers run: each
// subject hashes (stably, the same in every process and on every machine) to one of P partitions, and a
// partition is worked by one worker at a time, in job order. P must be the same for every process.
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export const DEFAULT_PARTITIONS = 64;

/** FNV-1a (32-bit) of platform, subject type and subject id, into [0, partitions). */
export function partitionOf(
  platform: string,
  subjectType: string,
  subjectId: string,
  partitions = DEFAULT_PARTITIONS,
): number {
  const s = `${platform}\u0000${subjectType}\u0000${subjectId}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/**
 * PostgreSQL: batches about the same partitions are stored one after another (transaction-scoped advisory locks,
 * taken in ascending order so two batches cannot deadlock). Event ids are drawn from a sequence before commit, so
 * without this two concurrent batches could commit in the opposite order of their ids, and a subject's later
 * event could be applied before an earlier one became visible. SQLite has one writer: nothing to do.
 */
export async function lockPartitions(
  trx: Kysely<Database>,
  platform: string,
  subjects: { type: string; id: string }[],
): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  const parts = [...new Set(subjects.map((s) => partitionOf(platform, s.type, s.id)))].sort((a, b) => a - b);
  // One statement: the sorted subquery is not flattened (it has ORDER BY), so the locks are taken in ascending order.
  if (parts.length)
    await sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_SPACE}, p) FROM (SELECT unnest(${parts}::int[]) AS p ORDER BY 1) s`.execute(
      trx,
    );
}

const PARTITION_LOCK_SPACE = 76696769;
