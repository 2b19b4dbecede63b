// Perceptual-mode PSI over PDQ-shaped hashes: bit-sampling LSH tables, m-of-L per-image threshold, the
// account threshold on top. Listed "PDQ hashes" are seeded random 256-bit strings generated here;
// near-duplicates are made by flipping bits, as a re-encode would.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PERCEPTUAL_DEFAULTS,
  PsiError,
  ThresholdAccumulator,
  buildPerceptualTable,
  createAccountSecret,
  createServerKey,
  createTableSigningKey,
  decodeEvidence,
  encodeEvidence,
  lshKeys,
  makeExactVoucher,
  makePerceptualVoucher,
  perceptualModel,
  samplePositions,
  serverEvaluate,
  verifyTable,
  voucherSize,
  type RandomSource,
} from '../src/psi/index.ts';
import { seeded } from './seeded.ts';

/** Flips `d` distinct random bits. */
function flipBits(h: Uint8Array, d: number, rng: RandomSource): Uint8Array {
  const out = h.slice();
  const pos = new Set<number>();
  while (pos.size < d) pos.add(rng(1)[0]!);
  for (const p of pos) out[p >> 3]! ^= 0x80 >> (p & 7);
  return out;
}

function distance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < 32; i++) for (let v = a[i]! ^ b[i]!; v; v &= v - 1) d++;
  return d;
}

const rng = seeded('psi-perceptual-fixture');
const serverKey = createServerKey(rng);
const signer = createTableSigningKey();
const listed = Array.from({ length: 24 }, () => rng(32));
const T = 2;
const table = verifyTable(
  buildPerceptualTable(
    listed.map((hash) => ({ hash, bankId: 'bank-a' })),
    { serverKey, signingKey: signer.secretKey, version: 3, threshold: T, random: rng },
  ).bytes,
  signer.publicKey,
  { mode: 'perceptual' },
);
const account = createAccountSecret(T, rng);
const evidence = (pdq: Uint8Array, blobId: string) =>
  encodeEvidence({ blobId, attachmentKey: rng(32), sha256: '00'.repeat(32), pdq: Buffer.from(pdq).toString('hex') });

describe('perceptual-mode PSI', () => {
  it('uses the default parameters, whose modelled error rates are the documented ones', () => {
    assert.deepEqual({ tables: table.lsh.tables, k: table.lsh.k, m: table.lsh.m }, PERCEPTUAL_DEFAULTS);
    const model = perceptualModel(PERCEPTUAL_DEFAULTS);
    assert.ok(model.recall(10) > 0.99 && model.recall(31) < 0.2);
    assert.ok(model.falseMatch(1e5) < 1e-4);
  });

  it('sampled positions are public, deterministic and distinct within a table; keys ignore unsampled bits', () => {
    const pos = samplePositions(table.lsh.seed, table.lsh.tables, table.lsh.k);
    assert.deepEqual(pos, samplePositions(table.lsh.seed.slice(), table.lsh.tables, table.lsh.k));
    for (const p of pos) assert.equal(new Set(p).size, table.lsh.k);
    const h = listed[0]!;
    const unsampled = [...Array(256).keys()].find((b) => !pos[0]!.includes(b))!;
    const g = h.slice();
    g[unsampled >> 3]! ^= 0x80 >> (unsampled & 7);
    assert.deepEqual(lshKeys(g, table.lsh)[0], lshKeys(h, table.lsh)[0]);
    const sampled = pos[0]![0]!;
    const f = h.slice();
    f[sampled >> 3]! ^= 0x80 >> (sampled & 7);
    assert.notDeepEqual(lshKeys(f, table.lsh)[0], lshKeys(h, table.lsh)[0]);
  });

  it('re-encoded-like hashes (0, 4, 8 flipped bits) match; distinct hashes (~128 bits away) do not', () => {
    const r = seeded('near');
    const acc = new ThresholdAccumulator(T);
    const opened: string[] = [];
    for (const [i, d] of [
      [0, 0],
      [1, 4],
      [2, 8],
    ] as const) {
      const q = flipBits(listed[i]!, d, r);
      const e = serverEvaluate(
        serverKey,
        table,
        makePerceptualVoucher(table, account, { pdq: q, payload: evidence(q, `near-${d}`) }, { random: r }),
      );
      assert.equal(e.matched, true, `distance ${d}`);
      if (e.matched && d === 0) assert.equal(e.tablesHit, table.lsh.tables, 'an identical hash hits every table');
      if (e.matched) assert.ok(e.tablesHit >= table.lsh.m);
      acc.add(e);
      opened.push(`near-${d}`);
    }
    for (let i = 0; i < 4; i++) {
      const q = r(32);
      assert.ok(listed.every((h) => distance(h, q) > 80));
      const e = serverEvaluate(
        serverKey,
        table,
        makePerceptualVoucher(table, account, { pdq: q, payload: evidence(q, 'benign') }, { random: r }),
      );
      assert.equal(e.matched, false);
      acc.add(e);
    }
    assert.deepEqual(
      acc
        .open()
        .map((o) => decodeEvidence(o.payload).blobId)
        .sort(),
      opened,
    );
  });

  it('one matching table (below the per-image threshold m) is not a match', () => {
    // A hash that agrees with a listed one on table 0's sampled bits only: flip one bit in every other table.
    const r = seeded('one-table');
    const pos = samplePositions(table.lsh.seed, table.lsh.tables, table.lsh.k);
    const keep = new Set(pos[0]);
    const q = listed[5]!.slice();
    for (let i = 1; i < pos.length; i++) {
      const b = pos[i]!.find((x) => !keep.has(x))!;
      if (lshKeys(q, table.lsh)[i]!.every((v, j) => v === lshKeys(listed[5]!, table.lsh)[i]![j]))
        q[b >> 3]! ^= 0x80 >> (b & 7);
    }
    const keysQ = lshKeys(q, table.lsh);
    const keysL = lshKeys(listed[5]!, table.lsh);
    const agree = keysQ.filter((k, i) => k.every((v, j) => v === keysL[i]![j])).length;
    assert.equal(agree, 1);
    const e = serverEvaluate(
      serverKey,
      table,
      makePerceptualVoucher(table, account, { pdq: q, payload: evidence(q, 'x') }, { random: r }),
    );
    assert.equal(e.matched, false);
  });

  it('synthetic vouchers match at image level with a plausible hit count but carry no payload', () => {
    const r = seeded('synthetic-perceptual');
    const acc = new ThresholdAccumulator(T);
    const q = r(32);
    const v = makePerceptualVoucher(
      table,
      account,
      { pdq: q, payload: evidence(q, 'dummy') },
      { random: r, syntheticProbability: 1 },
    );
    assert.equal(v.length, voucherSize(table, evidence(q, 'dummy').length));
    const e = serverEvaluate(serverKey, table, v);
    assert.equal(e.matched, true);
    if (e.matched) assert.ok(e.tablesHit >= table.lsh.m && e.tablesHit <= table.lsh.tables);
    acc.add(e);
    assert.equal(acc.canOpen(), false);
    for (const [i, d] of [
      [3, 2],
      [4, 0],
      [6, 1],
      [7, 3],
    ] as const) {
      const near = flipBits(listed[i]!, d, r);
      acc.add(
        serverEvaluate(
          serverKey,
          table,
          makePerceptualVoucher(table, account, { pdq: near, payload: evidence(near, `real-${i}`) }, { random: r }),
        ),
      );
    }
    assert.deepEqual(
      acc
        .open()
        .map((o) => decodeEvidence(o.payload).blobId)
        .sort(),
      ['real-3', 'real-4', 'real-6', 'real-7'],
    );
    assert.equal(acc.discardedCount, 1);
  });

  it('modes do not mix: an exact-mode voucher call on a perceptual table is refused', () => {
    assert.throws(
      () => makeExactVoucher(table, account, { sha256: listed[0]!, payload: new Uint8Array(1) }),
      (e) => e instanceof PsiError && e.code === 'bad-params',
    );
    const r = seeded('params');
    assert.throws(
      () =>
        buildPerceptualTable([], { serverKey, signingKey: signer.secretKey, version: 1, m: 9, tables: 8, random: r }),
      (e) => e instanceof PsiError && e.code === 'bad-params',
    );
  });
});
