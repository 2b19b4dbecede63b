// Private matching (PSI) cost: voucher creation per image on the client, evaluations/s on the server,
// bytes per voucher and per listed hash, table build time, for exact mode (SHA-256) and the perceptual
// mode (PDQ LSH, default parameters), plus perceptual recall/false matches. One core, pure-JS @noble.
// Listed hashes are SHA-256 of random bytes / random 256-bit strings generated here. Run: npm run bench psi
// (PSI_BENCH_N=10000 shrinks the 100k-entry exact table build.)
import { cpus } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  PERCEPTUAL_DEFAULTS,
  ThresholdAccumulator,
  buildExactTable,
  buildPerceptualTable,
  createAccountSecret,
  createServerKey,
  createTableSigningKey,
  encodeEvidence,
  lshKeys,
  makeExactVoucher,
  makePerceptualVoucher,
  perceptualModel,
  serverEvaluate,
  useLibsodium,
  verifyTable,
  type PsiTable,
} from '../packages/crypto/src/psi/index.ts';

const N_EXACT = Number(process.env.PSI_BENCH_N ?? 100_000);
const N_PERCEPTUAL = 200;
const rnd = (n: number) => new Uint8Array(randomBytes(n));
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (x: number, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
function timeEach<T>(items: T[], f: (x: T) => void): number[] {
  return items.map((x) => {
    const t0 = performance.now();
    f(x);
    return performance.now() - t0;
  });
}
function flip(h: Uint8Array, d: number): Uint8Array {
  const out = h.slice();
  const pos = new Set<number>();
  while (pos.size < d) pos.add(rnd(1)[0]!);
  for (const p of pos) out[p >> 3]! ^= 0x80 >> (p & 7);
  return out;
}

// The server's hot operations run on libsodium (as `vigil serve` does when matching is on); PSI_BENCH_NOBLE=1 for pure JS.
const sodium = process.env.PSI_BENCH_NOBLE ? false : await useLibsodium();
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString().slice(0, 10)}; group operations: ${sodium ? 'libsodium (WASM) for tables and server, @noble for clients' : '@noble (pure JS)'}`,
);
const serverKey = createServerKey();
const signer = createTableSigningKey();
const evidence = (pdq?: Uint8Array) =>
  encodeEvidence({
    blobId: 'blob-0123456789abcdef',
    attachmentKey: rnd(32),
    sha256: bytesToHex(sha256(rnd(8))),
    ...(pdq ? { pdq: bytesToHex(pdq) } : {}),
  });

function clientServer(label: string, table: PsiTable, make: (listed: boolean, i: number) => Uint8Array, n: number) {
  make(true, 0); // warm-up (JIT, the fixed-base table for L)
  const made: Uint8Array[] = [];
  const client = timeEach([...Array(n).keys()], (i) => made.push(make(i % 2 === 0, i)));
  serverEvaluate(serverKey, table, made[0]!);
  const acc = new ThresholdAccumulator(table.threshold);
  const server = timeEach(made, (v) => acc.add(serverEvaluate(serverKey, table, v)));
  const match = server.filter((_, i) => i % 2 === 0);
  const miss = server.filter((_, i) => i % 2 === 1);
  console.log(
    `${label}: client ${fmt(med(client))} ms/voucher (median of ${n}); server ${fmt(1000 / med(match))} evaluations/s on matches ` +
      `(${fmt(med(match))} ms), ${fmt(1000 / med(miss))}/s on non-matches (${fmt(med(miss))} ms); voucher ${made[0]!.length} B; ` +
      `${acc.matchedCount} of ${n} matched (t = ${table.threshold}: nothing opens)`,
  );
}

// ---- exact mode ----
{
  const listed = Array.from({ length: N_EXACT }, () => sha256(rnd(32)));
  const t0 = performance.now();
  const table = buildExactTable(
    listed.map((hash) => ({ hash, bankId: 'bench' })),
    { serverKey, signingKey: signer.secretKey, version: 1, threshold: 30 },
  );
  const buildS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const verified = verifyTable(table.bytes, signer.publicKey);
  const verifyMs = performance.now() - t1;
  console.log(
    `exact table: ${N_EXACT.toLocaleString('en-US')} listed SHA-256 → ${table.slots.toLocaleString('en-US')} slots, ${(table.bytes.length / 1e6).toFixed(2)} MB ` +
      `(${fmt(table.bytes.length / N_EXACT)} B per listed hash); build + sign ${fmt(buildS)} s; client verify (SHA-256 root + Ed25519) ${fmt(verifyMs)} ms`,
  );
  const account = createAccountSecret(30);
  const ev = evidence();
  clientServer(
    'exact voucher',
    verified,
    (isListed, i) =>
      makeExactVoucher(verified, account, { sha256: isListed ? listed[i]! : sha256(rnd(32)), payload: ev }),
    40,
  );
}

// ---- perceptual mode ----
{
  const listed = Array.from({ length: N_PERCEPTUAL }, () => rnd(32));
  const t0 = performance.now();
  const table = buildPerceptualTable(
    listed.map((hash) => ({ hash, bankId: 'bench' })),
    { serverKey, signingKey: signer.secretKey, version: 1, threshold: 30 },
  );
  const buildS = (performance.now() - t0) / 1000;
  const { tables: L, k, m } = PERCEPTUAL_DEFAULTS;
  console.log(
    `perceptual table (L=${L}, k=${k}, m=${m}): ${N_PERCEPTUAL} listed PDQ → ${L} × ${table.slots} slots, ${(table.bytes.length / 1e6).toFixed(2)} MB ` +
      `(${fmt(table.bytes.length / N_PERCEPTUAL, 0)} B per listed hash ≈ ${fmt(((table.bytes.length / N_PERCEPTUAL) * 1e6) / 1e9, 2)} GB per million); build ${fmt(buildS)} s`,
  );
  const account = createAccountSecret(30);
  clientServer(
    'perceptual voucher',
    table,
    (isListed, i) => {
      const pdq = isListed ? flip(listed[i]!, 4) : rnd(32);
      return makePerceptualVoucher(table, account, { pdq, payload: evidence(pdq) });
    },
    16,
  );

  // End to end through the crypto: recall at given distances and false matches on unrelated hashes.
  const TRIALS = 12;
  const e2e: string[] = [];
  for (const d of [0, 5, 10, 20, 31]) {
    let hits = 0;
    for (let i = 0; i < TRIALS; i++) {
      const pdq = flip(listed[(i * 7) % N_PERCEPTUAL]!, d);
      if (
        serverEvaluate(serverKey, table, makePerceptualVoucher(table, account, { pdq, payload: evidence(pdq) })).matched
      )
        hits++;
    }
    e2e.push(`d=${d}: ${hits}/${TRIALS}`);
  }
  let falseE2e = 0;
  for (let i = 0; i < TRIALS * 2; i++) {
    const pdq = rnd(32);
    if (
      serverEvaluate(serverKey, table, makePerceptualVoucher(table, account, { pdq, payload: evidence(pdq) })).matched
    )
      falseE2e++;
  }
  console.log(
    `perceptual end to end (N=${N_PERCEPTUAL} listed): recall ${e2e.join(', ')}; false matches on random hashes ${falseE2e}/${TRIALS * 2}`,
  );

  // The same LSH decision without the crypto (what the PSI computes), for tight error bars and big lists.
  const keyNum = (key: Uint8Array) => ((key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!) >>> 0;
  function lshIndex(hashes: Uint8Array[]): Uint32Array[] {
    const cols = Array.from({ length: L }, () => new Uint32Array(hashes.length));
    hashes.forEach((h, j) => lshKeys(h, table.lsh).forEach((key, i) => (cols[i]![j] = keyNum(key))));
    return cols.map((c) => c.sort());
  }
  function has(sorted: Uint32Array, v: number): boolean {
    let lo = 0,
      hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] === v) return true;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
  const imageMatch = (idx: Uint32Array[], h: Uint8Array) =>
    lshKeys(h, table.lsh).filter((key, i) => has(idx[i]!, keyNum(key))).length >= m;
  const small = lshIndex(listed);
  const SIM = 5000;
  const model = perceptualModel(PERCEPTUAL_DEFAULTS);
  const rec = [0, 5, 10, 15, 20, 25, 31].map((d) => {
    let hits = 0;
    for (let i = 0; i < SIM; i++) if (imageMatch(small, flip(listed[i % N_PERCEPTUAL]!, d))) hits++;
    return `d=${d}: ${fmt(hits / SIM, 3)} (model ${fmt(model.recall(d), 3)})`;
  });
  console.log(`perceptual recall, LSH simulated (${SIM} per distance): ${rec.join(', ')}`);
  for (const big of [100_000, 1_000_000]) {
    const idx = lshIndex(Array.from({ length: big }, () => rnd(32)));
    const Q = 100_000;
    let f = 0;
    for (let i = 0; i < Q; i++) if (imageMatch(idx, rnd(32))) f++;
    console.log(
      `perceptual false matches, LSH simulated: ${f} of ${Q.toLocaleString('en-US')} random hashes against ${big.toLocaleString('en-US')} listed ` +
        `(${(f / Q).toExponential(1)}; model ${model.falseMatch(big).toExponential(1)})`,
    );
  }
}
