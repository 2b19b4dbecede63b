// Perceptual mode (experimental): bit-sampling LSH over 256-bit PDQ hashes. Table i samples k fixed
// public bit positions (from a seed); a listed hash is inserted in every table under its k-bit sample,
// and an image matches when at least m of the L tables agree. Exact-match PSI on samples can only
// approximate "Hamming distance ≤ 31": see the measured recall in README.md.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Writer } from './encoding.ts';
import { PsiError } from './errors.ts';
import { defaultRandom, type RandomSource } from './group.ts';
import {
  buildTable,
  hashBytes,
  selectListed,
  type BuildOptions,
  type LshParams,
  type ListEntry,
  type PsiTable,
} from './table.ts';
import type { AccountSecret } from './threshold.ts';
import { makeVoucher, uniform, type VoucherOptions } from './voucher.ts';

/** Defaults chosen in README.md: recall ≈ 1 up to distance 10, ≈ 0.65 at 20, low at 31. */
export const PERCEPTUAL_DEFAULTS = { tables: 24, k: 28, m: 2 } as const;

const positionCache = new Map<string, number[][]>();

/** The k bit positions (0..255, distinct) of each of the L tables, derived from the public seed. */
export function samplePositions(seed: Uint8Array, tables: number, k: number): number[][] {
  const id = `${bytesToHex(seed)}/${tables}/${k}`;
  const hit = positionCache.get(id);
  if (hit) return hit;
  const out: number[][] = [];
  for (let t = 0; t < tables; t++) {
    const perm = Array.from({ length: 256 }, (_, i) => i);
    let block: Uint8Array = new Uint8Array(0);
    let used = 0;
    let counter = 0;
    const next = (): number => {
      if (used + 2 > block.length) {
        block = sha256(new Writer().bytes(seed).u16(t).u32(counter++).finish());
        used = 0;
      }
      const v = (block[used]! << 8) | block[used + 1]!;
      used += 2;
      return v;
    };
    // Partial Fisher–Yates with rejection sampling (no modulo bias).
    for (let j = 0; j < k; j++) {
      const range = 256 - j;
      const limit = 65536 - (65536 % range);
      let v: number;
      do v = next();
      while (v >= limit);
      const r = j + (v % range);
      [perm[j], perm[r]] = [perm[r]!, perm[j]!];
    }
    out.push(perm.slice(0, k));
  }
  positionCache.set(id, out);
  return out;
}

function bit(h: Uint8Array, p: number): number {
  return (h[p >> 3]! >> (7 - (p & 7))) & 1; // bit 0 = most significant bit of the first hex digit
}

/** keys[i] = the sampled bits of `pdq` for table i, packed MSB first. */
export function lshKeys(pdq: Uint8Array, lsh: Pick<LshParams, 'tables' | 'k' | 'seed'>): Uint8Array[] {
  return samplePositions(lsh.seed, lsh.tables, lsh.k).map((pos) => {
    const key = new Uint8Array(Math.ceil(pos.length / 8));
    pos.forEach((p, j) => (key[j >> 3]! |= bit(pdq, p) << (7 - (j & 7))));
    return key;
  });
}

export interface PerceptualBuildOptions extends BuildOptions {
  readonly tables?: number;
  readonly k?: number;
  readonly m?: number;
  /** Public seed for the sampled positions (default: fresh random, published inside the table). */
  readonly lshSeed?: Uint8Array;
}

/**
 * Builds and signs a perceptual table from (PDQ hash, bank) entries. minBanks compares hashes exactly;
 * two banks' hashes of one image that differ by a few bits do not count as agreement.
 */
export function buildPerceptualTable(items: readonly ListEntry[], opts: PerceptualBuildOptions): PsiTable {
  const tables = opts.tables ?? PERCEPTUAL_DEFAULTS.tables;
  const k = opts.k ?? PERCEPTUAL_DEFAULTS.k;
  const m = opts.m ?? PERCEPTUAL_DEFAULTS.m;
  if (!Number.isInteger(tables) || tables < 1 || tables > 256)
    throw new PsiError('bad-params', 'tables must be 1..256');
  if (!Number.isInteger(k) || k < 8 || k > 64) throw new PsiError('bad-params', 'k must be 8..64');
  if (!Number.isInteger(m) || m < 1 || m > tables || m > 8)
    throw new PsiError('bad-params', 'm must be 1..min(8, tables)');
  const seed = opts.lshSeed ?? (opts.random ?? defaultRandom)(32);
  if (seed.length !== 32) throw new PsiError('bad-params', 'lshSeed must be 32 bytes');
  const lsh: LshParams = { tables, k, m, seed };
  const listed = selectListed(items, opts.minBanks ?? 1);
  const perHash = listed.map((h) => lshKeys(h, lsh));
  const keys = Array.from({ length: tables }, (_, i) => perHash.map((ks) => ks[i]!));
  return buildTable('perceptual', keys, lsh, opts);
}

export interface PerceptualInput {
  /** The image's 256-bit PDQ hash (raw or hex). */
  readonly pdq: Uint8Array | string;
  readonly payload: Uint8Array;
}

/** P(one table agrees) for two hashes at Hamming distance d, bits modelled as independent. */
export function tableHitProbability(d: number, k: number): number {
  let p = 1;
  for (let j = 0; j < k; j++) p *= Math.max(0, 256 - d - j) / (256 - j);
  return p;
}

function atLeast(m: number, L: number, p: number): number {
  let s = 0;
  let c = 1; // C(L, j)
  for (let j = 0; j <= L; j++) {
    if (j >= m) s += c * p ** j * (1 - p) ** (L - j);
    c = (c * (L - j)) / (j + 1);
  }
  return Math.min(1, s);
}

/** Model recall at distance d, and the false-match rate per unrelated image against N listed hashes. */
export function perceptualModel(p: { tables: number; k: number; m: number }) {
  return {
    recall: (d: number) => atLeast(p.m, p.tables, tableHitProbability(d, p.k)),
    falseMatch: (listed: number) => atLeast(p.m, p.tables, -Math.expm1(listed * Math.log1p(-(2 ** -p.k)))),
  };
}

// Synthetic vouchers must not stand out by how many tables hit (the server sees that after an image
// match): draw a hit pattern as for a near-duplicate at a random distance 0..20, with at least m hits.
function syntheticHits(lsh: LshParams, random: RandomSource): number[] {
  for (;;) {
    const d = Math.floor(uniform(random) * 21);
    const p = tableHitProbability(d, lsh.k);
    const hits: number[] = [];
    for (let i = 0; i < lsh.tables; i++) if (uniform(random) < p) hits.push(i);
    if (hits.length >= lsh.m) return hits;
  }
}

export function makePerceptualVoucher(
  table: PsiTable,
  account: AccountSecret,
  input: PerceptualInput,
  opts: VoucherOptions = {},
): Uint8Array {
  if (table.mode !== 'perceptual') throw new PsiError('bad-params', 'not a perceptual-mode table');
  const pdq = hashBytes(input.pdq, 'pdq');
  return makeVoucher(
    table,
    account,
    {
      keys: lshKeys(pdq, table.lsh),
      payload: input.payload,
      syntheticHits: (random) => syntheticHits(table.lsh, random),
    },
    opts,
  );
}
