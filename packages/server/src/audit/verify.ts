// Walks the whole chain and reports every entry that was edited, removed or inserted out of order.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { entryHash, GENESIS_HASH } from './log.ts';

export interface AuditProblem {
  seq: number;
  problem: 'edited' | 'missing' | 'chain_broken' | 'head_mismatch';
  detail: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  headSeq: number;
  headHash: string;
  /** The last entry up to which every entry from the first is intact and chained (0 when the first is not). */
  verifiedThrough: number;
  problems: AuditProblem[];
}

/**
 * The entries and the head are read in one snapshot (a repeatable-read transaction; SQLite's read transaction is
 * one snapshot already), so an entry appended while the chain is being walked is not mistaken for a missing head.
 */
export async function verifyAudit(db: Kysely<Database>, pageSize = 5000): Promise<AuditVerification> {
  if (db.isTransaction) return walk(db, pageSize);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => walk(trx, pageSize));
}

async function walk(db: Kysely<Database>, pageSize: number): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  let after = 0;
  let firstBad = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (!rows.length) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      entries++;
      if (seq !== expectedSeq) {
        problems.push({
          seq: expectedSeq,
          problem: 'missing',
          detail: `entries ${expectedSeq}..${seq - 1} are missing`,
        });
      }
      if (r.prev_hash !== prevHash) {
        problems.push({ seq, problem: 'chain_broken', detail: 'prev_hash does not match the previous entry' });
      }
      const recomputed = entryHash(r.prev_hash, { ...r, seq });
      if (recomputed !== r.hash) {
        problems.push({ seq, problem: 'edited', detail: 'contents do not match the entry hash' });
      }
      if (!firstBad && problems.length) firstBad = problems[0]!.seq;
      prevHash = r.hash;
      expectedSeq = seq + 1;
      after = seq;
    }
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const headSeq = Number(head?.seq ?? 0);
  const headHash = head?.hash ?? GENESIS_HASH;
  if (headSeq !== expectedSeq - 1 || headHash !== prevHash) {
    problems.push({
      seq: headSeq,
      problem: 'head_mismatch',
      detail: `head records entry ${headSeq} but the log ends at ${expectedSeq - 1} (entries removed from the end?)`,
    });
  }
  const verifiedThrough = firstBad ? firstBad - 1 : expectedSeq - 1;
  return { ok: problems.length === 0, entries, headSeq, headHash, verifiedThrough, problems };
}
