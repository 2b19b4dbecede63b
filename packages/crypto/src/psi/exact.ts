// Exact mode: the key is the SHA-256 of the attachment's plaintext; one table, two voucher parts.
import { PsiError } from './errors.ts';
import { buildTable, hashBytes, selectListed, type BuildOptions, type ListEntry, type PsiTable } from './table.ts';
import type { AccountSecret } from './threshold.ts';
import { makeVoucher, type VoucherOptions } from './voucher.ts';

const NO_LSH = { tables: 1, k: 0, m: 1, seed: new Uint8Array(32) };

/** Builds and signs an exact-mode table from (hash, bank) entries, applying the minBanks rule. */
export function buildExactTable(items: readonly ListEntry[], opts: BuildOptions): PsiTable {
  return buildTable('exact', [selectListed(items, opts.minBanks ?? 1)], NO_LSH, opts);
}

export interface ExactInput {
  /** SHA-256 of the attachment plaintext (raw or hex). */
  readonly sha256: Uint8Array | string;
  /** The evidence readable after the threshold (see encodeEvidence). */
  readonly payload: Uint8Array;
}

export function makeExactVoucher(
  table: PsiTable,
  account: AccountSecret,
  input: ExactInput,
  opts: VoucherOptions = {},
): Uint8Array {
  if (table.mode !== 'exact') throw new PsiError('bad-params', 'not an exact-mode table');
  const key = hashBytes(input.sha256, 'sha256');
  return makeVoucher(table, account, { keys: [key], payload: input.payload, syntheticHits: () => [0] }, opts);
}
