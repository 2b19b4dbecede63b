// Safety vouchers (both modes). For each LSH table i (one table in exact mode) and each of the key's two
// cuckoo slots w, a part (Q, c): Q = β·H(key) + γ·G, S = β·T[slot] + γ·L, c = f_img(i+1) + H(S ‖ ctx),
// where f_img has degree m−1 and f_img(0) = vk. The server computes α·Q, which is S exactly when the
// slot holds α·H(key); with m such parts from distinct tables it interpolates vk, recognised by a check
// value, and vk opens the body (share of adkey + sealed payload). A non-matching part unmasks to a
// uniformly random scalar (γ makes S independent of Q), so single hits below m are not visible.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { candidateSlots } from './cuckoo.ts';
import { Writer } from './encoding.ts';
import { PsiError } from './errors.ts';
import {
  DST,
  Fn,
  Point,
  decodePoint,
  decodeScalar,
  defaultRandom,
  hashToScalar,
  mulBytes,
  randomScalar,
  scalarToBytes,
  type RandomSource,
} from './group.ts';
import { evalPoly, lagrangeAt, randomPolynomial } from './shamir.ts';
import { accountShare, paddedLength, sealPayload, type AccountSecret, type Evaluation } from './threshold.ts';
import {
  FORMAT_VERSION,
  KIND,
  MAGIC,
  MODE_BYTE,
  keyPoint,
  readHeader,
  slotPoint,
  type PsiTable,
  type ServerKey,
} from './table.ts';

const CHECK_DOMAIN = utf8ToBytes('vigil-psi-v1:check');
const BODY_INFO = utf8ToBytes('vigil-psi-v1:body');
const CHECK_LEN = 16;

export interface VoucherOptions {
  /** Probability p of emitting a synthetic voucher instead of the real one (Apple's design; default 0). */
  readonly syntheticProbability?: number;
  /** Randomness source (tests pass a seeded one); defaults to the platform CSPRNG. */
  readonly random?: RandomSource;
}

/** What makeVoucher needs, whatever the mode. */
export interface VoucherContent {
  /** keys[i]: the key looked up in LSH table i (exact mode: [sha256]). */
  readonly keys: readonly Uint8Array[];
  readonly payload: Uint8Array;
  /** Synthetic vouchers only: which tables "hit" (exact mode: [0]); chosen by the mode. */
  readonly syntheticHits: (random: RandomSource) => number[];
}

const publicPoints = new WeakMap<PsiTable, Point>();
function serverPublicPoint(t: PsiTable): Point {
  let p = publicPoints.get(t);
  if (!p) {
    p = decodePoint(t.serverPublic, 'table server key');
    p.precompute(8); // γ·L once per part: worth a fixed-base table
    publicPoints.set(t, p);
  }
  return p;
}

function mask(s: Uint8Array, root: Uint8Array, table: number, w: number): bigint {
  return hashToScalar(DST.mask, new Writer().bytes(s).bytes(root).u16(table).u8(w).finish());
}

function checkValue(vk: bigint): Uint8Array {
  return sha256(concatBytes(CHECK_DOMAIN, scalarToBytes(vk))).subarray(0, CHECK_LEN);
}

function bodyKey(vk: bigint): Uint8Array {
  return hkdf(sha256, scalarToBytes(vk), undefined, BODY_INFO, 32);
}

function coin(random: RandomSource, p: number): boolean {
  if (!(p > 0)) return false;
  const v = random(4);
  return ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0 < p * 2 ** 32;
}

export function uniform(random: RandomSource): number {
  const v = random(4);
  return (((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0) / 2 ** 32;
}

export function makeVoucher(
  table: PsiTable,
  account: AccountSecret,
  content: VoucherContent,
  opts: VoucherOptions = {},
): Uint8Array {
  const random = opts.random ?? defaultRandom;
  const p = opts.syntheticProbability ?? 0;
  if (!(p >= 0 && p <= 1)) throw new PsiError('bad-params', 'syntheticProbability must be in [0, 1]');
  if (account.threshold !== table.threshold)
    throw new PsiError(
      'bad-params',
      `account threshold ${account.threshold} differs from the table's ${table.threshold}`,
    );
  const L = table.lsh.tables;
  if (content.keys.length !== L) throw new PsiError('bad-params', `expected ${L} table keys`);
  const synthetic = coin(random, p);
  // Synthetic: the parts in `hits` match by construction (Q = γ·G, S = γ·L = α·Q); all else is random.
  const hits = new Map<number, number>();
  if (synthetic) for (const i of content.syntheticHits(random)) hits.set(i, random(1)[0]! & 1);

  const vk = randomScalar(random);
  const fImg = randomPolynomial(vk, table.lsh.m, random);
  const Lpub = serverPublicPoint(table);
  const w = new Writer()
    .bytes(MAGIC)
    .u8(KIND.voucher)
    .u8(FORMAT_VERSION)
    .u8(MODE_BYTE[table.mode])
    .u32(table.version)
    .bytes(table.root)
    .bytes(account.id)
    .u16(2 * L);
  for (let i = 0; i < L; i++) {
    const key = content.keys[i]!;
    const H = keyPoint(table.mode, i, key);
    const slots = candidateSlots(table.cuckooSeed, i, key, table.slots);
    const share = evalPoly(fImg, BigInt(i + 1));
    for (let c = 0; c < 2; c++) {
      const T = slotPoint(table, i, slots[c]);
      const beta = randomScalar(random);
      const gamma = randomScalar(random);
      const gG = Point.BASE.multiply(gamma);
      const gL = Lpub.multiply(gamma);
      // Always do the real work, so a synthetic voucher costs (and takes) the same time.
      let Q = H.multiply(beta).add(gG);
      let S = T.multiply(beta).add(gL);
      let m = Fn.add(share, mask(S.toBytes(), table.root, i, c));
      if (synthetic) {
        if (hits.get(i) === c) {
          Q = gG;
          S = gL;
          m = Fn.add(share, mask(S.toBytes(), table.root, i, c));
        } else {
          Q = Point.BASE.multiply(randomScalar(random)); // uniform, like a real non-matching part
          m = randomScalar(random);
        }
      }
      w.bytes(Q.toBytes()).bytes(scalarToBytes(m));
    }
  }
  w.bytes(checkValue(vk));
  const ad = w.finish();

  const real = accountShare(account, random);
  const x = real.x; // random either way
  const y = synthetic ? randomScalar(random) : real.y;
  const sealed = synthetic
    ? random(24 + paddedLength(content.payload.length) + 16) // same length, never opens
    : sealPayload(account, x, content.payload, random);
  const plain = concatBytes(scalarToBytes(x), scalarToBytes(y), sealed);
  const nonce = random(24);
  const body = xchacha20poly1305(bodyKey(vk), nonce, ad).encrypt(plain);
  return new Writer().bytes(ad).bytes(nonce).u32(body.length).bytes(body).finish();
}

interface ParsedVoucher {
  accountSecretId: string;
  ad: Uint8Array;
  Q: Uint8Array[];
  masked: bigint[];
  check: Uint8Array;
  nonce: Uint8Array;
  body: Uint8Array;
}

function parseVoucher(table: PsiTable, bytes: Uint8Array): ParsedVoucher {
  const r = readHeader(bytes, KIND.voucher, 'voucher');
  const mode = r.u8();
  const version = r.u32();
  const root = r.bytes(32);
  const accountSecretId = bytesToHex(r.bytes(16));
  if (mode !== MODE_BYTE[table.mode] || version !== table.version || !equalBytes(root, table.root)) {
    throw new PsiError('wrong-table', `voucher was made for another table (version ${version})`);
  }
  const parts = r.u16();
  if (parts !== 2 * table.lsh.tables)
    throw new PsiError('bad-encoding', `voucher: ${parts} parts, expected ${2 * table.lsh.tables}`);
  const Q: Uint8Array[] = [];
  const masked: bigint[] = [];
  for (let j = 0; j < parts; j++) {
    Q.push(r.bytes(32));
    masked.push(decodeScalar(r.bytes(32), 'voucher part'));
  }
  const check = r.bytes(CHECK_LEN);
  const ad = bytes.subarray(0, r.offset);
  const nonce = r.bytes(24);
  const body = r.bytes(r.u32());
  r.end();
  return { accountSecretId, ad, Q, masked, check, nonce, body };
}

function* combinations(n: number, m: number): Generator<number[]> {
  const idx = Array.from({ length: m }, (_, i) => i);
  if (m > n) return;
  for (;;) {
    yield idx.slice();
    let i = m - 1;
    while (i >= 0 && idx[i] === n - m + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < m; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/**
 * Server: evaluates one voucher against the table it was made for. Returns { matched: false } for a
 * voucher that does not match (indistinguishable from one that was garbled), the account share and
 * sealed payload for a match, and throws a PsiError for malformed, foreign or altered vouchers.
 */
export function serverEvaluate(serverKey: ServerKey, table: PsiTable, voucher: Uint8Array): Evaluation {
  const v = parseVoucher(table, voucher);
  const voucherId = bytesToHex(sha256(voucher));
  const L = table.lsh.tables;
  const m = table.lsh.m;
  // Unmask every part: a matching part yields its table's share of vk, the others random scalars.
  const u: bigint[] = [];
  for (let j = 0; j < 2 * L; j++) {
    const S = mulBytes(v.Q[j]!, serverKey.alpha, 'voucher part');
    u.push(Fn.sub(v.masked[j]!, mask(S, table.root, j >> 1, j & 1)));
  }
  for (const subset of combinations(L, m)) {
    const xs = subset.map((i) => BigInt(i + 1));
    const lambda = lagrangeAt(xs, Fn.ZERO);
    for (let choice = 0; choice < 1 << m; choice++) {
      let vk = Fn.ZERO;
      for (let j = 0; j < m; j++) vk = Fn.add(vk, Fn.mul(lambda[j]!, u[2 * subset[j]! + ((choice >> j) & 1)]!));
      if (!equalBytes(checkValue(vk), v.check)) continue;
      let plain: Uint8Array;
      try {
        plain = xchacha20poly1305(bodyKey(vk), v.nonce, v.ad).decrypt(v.body);
      } catch {
        throw new PsiError('tampered', 'voucher matched but its body does not authenticate');
      }
      if (plain.length < 64 + 24 + 16) throw new PsiError('tampered', 'voucher body too short');
      const x = decodeScalar(plain.subarray(0, 32), 'voucher share');
      const y = decodeScalar(plain.subarray(32, 64), 'voucher share');
      // Which tables agree with f_img: the server can always compute this once it has f_img.
      const chosen = subset.map((i, j) => ({ x: xs[j]!, y: u[2 * i + ((choice >> j) & 1)]! }));
      let tablesHit = 0;
      for (let i = 0; i < L; i++) {
        const at = BigInt(i + 1);
        const l = lagrangeAt(xs, at);
        let fi = Fn.ZERO;
        for (let j = 0; j < m; j++) fi = Fn.add(fi, Fn.mul(l[j]!, chosen[j]!.y));
        if (Fn.eql(u[2 * i]!, fi) || Fn.eql(u[2 * i + 1]!, fi)) tablesHit++;
      }
      return {
        matched: true,
        voucherId,
        share: { x, y },
        sealedPayload: plain.subarray(64),
        tablesHit,
        accountSecretId: v.accountSecretId,
      };
    }
  }
  return { matched: false, voucherId, accountSecretId: v.accountSecretId };
}

/** Byte size of a voucher for a table, without making one (for capacity planning). */
export function voucherSize(table: PsiTable, payloadLength: number): number {
  const ad = 4 + 1 + 1 + 1 + 4 + 32 + 16 + 2 + 2 * table.lsh.tables * 64 + CHECK_LEN;
  return ad + 24 + 4 + (64 + 24 + paddedLength(payloadLength) + 16) + 16;
}
