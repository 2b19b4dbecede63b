// The blinded table: for every LSH table (one in exact mode) a cuckoo table whose slot for listed key x
// holds α·H(table ‖ x) and whose other slots hold random points, so the bytes reveal only the slot count.
// Versioned and signed with Ed25519; `root` (SHA-256 over the canonical encoding) is what outsiders
// compare to check that everyone received the same table.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes, concatBytes } from '@noble/hashes/utils.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { placeKeys, slotCount } from './cuckoo.ts';
import { Reader, Writer, u16be } from './encoding.ts';
import { PsiError } from './errors.ts';
import {
  DST,
  Fn,
  Point,
  baseMulBytes,
  decodePoint,
  decodeScalar,
  defaultRandom,
  hashToPoint,
  hashToPointBytes,
  mulBytes,
  randomScalar,
  scalarToBytes,
  type RandomSource,
} from './group.ts';

export const MAGIC = utf8ToBytes('VPSI');
export const KIND = { table: 1, voucher: 2, accountSecret: 3, serverKey: 4 } as const;
export const FORMAT_VERSION = 1;
export type Mode = 'exact' | 'perceptual';
export const MODE_BYTE: Record<Mode, number> = { exact: 1, perceptual: 2 };
const ROOT_DOMAIN = utf8ToBytes('vigil-psi-table-v1');
const SIG_DOMAIN = utf8ToBytes('vigil-psi-table-sig-v1');
export const MAX_THRESHOLD = 1000;

export interface LshParams {
  /** L: number of LSH tables (1 in exact mode). */
  readonly tables: number;
  /** k: sampled bits per table (0 in exact mode). */
  readonly k: number;
  /** m: tables that must agree for an image-level match (1 in exact mode). */
  readonly m: number;
  /** Public seed the sampled bit positions derive from (zeros in exact mode). */
  readonly seed: Uint8Array;
}

export interface PsiTable {
  readonly mode: Mode;
  /** List version chosen by the operator; clients refuse to go backwards. */
  readonly version: number;
  /** Per-account threshold t: matching vouchers needed before any payload can be read. */
  readonly threshold: number;
  readonly slots: number;
  readonly lsh: LshParams;
  readonly cuckooSeed: Uint8Array;
  /** L = α·G, which lets clients (and synthetic vouchers) form S without knowing α. */
  readonly serverPublic: Uint8Array;
  /** SHA-256 over the canonical encoding (everything but the signature). */
  readonly root: Uint8Array;
  readonly rootHex: string;
  readonly signature: Uint8Array;
  /** The full signed encoding, as distributed. */
  readonly bytes: Uint8Array;
  /** tables × slots × 32 bytes of point encodings (a view into `bytes`). */
  readonly slotData: Uint8Array;
}

export interface ServerKey {
  readonly alpha: bigint;
  readonly publicKey: Uint8Array;
}

export function createServerKey(random: RandomSource = defaultRandom): ServerKey {
  const alpha = randomScalar(random);
  return { alpha, publicKey: Point.BASE.multiply(alpha).toBytes() };
}

export function encodeServerKey(k: ServerKey): Uint8Array {
  return new Writer().bytes(MAGIC).u8(KIND.serverKey).u8(FORMAT_VERSION).bytes(scalarToBytes(k.alpha)).finish();
}

export function decodeServerKey(b: Uint8Array): ServerKey {
  const r = header(b, KIND.serverKey, 'server key');
  const alpha = decodeScalar(r.bytes(32), 'server key');
  r.end();
  if (Fn.is0(alpha)) throw new PsiError('bad-encoding', 'server key: zero scalar');
  return { alpha, publicKey: Point.BASE.multiply(alpha).toBytes() };
}

/** An Ed25519 key pair for signing tables; clients pin `publicKey`. */
/** The public key clients pin, for a table-signing secret key. */
export const tableSigningPublicKey = (secretKey: Uint8Array): Uint8Array => ed25519.getPublicKey(secretKey);

export function createTableSigningKey(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = ed25519.utils.randomSecretKey();
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export interface ListEntry {
  /** 32 bytes (SHA-256 of a file in exact mode, a PDQ hash in perceptual mode), raw or hex. */
  readonly hash: Uint8Array | string;
  /** Which hash bank (organisation, list) supplied it. */
  readonly bankId: string;
}

export function hashBytes(h: Uint8Array | string, what = 'hash'): Uint8Array {
  let b: Uint8Array;
  try {
    b = typeof h === 'string' ? hexToBytes(h.toLowerCase()) : h;
  } catch {
    throw new PsiError('bad-params', `${what}: not hex`);
  }
  if (b.length !== 32) throw new PsiError('bad-params', `${what}: expected 32 bytes, got ${b.length}`);
  return b;
}

/**
 * The list-admission rule: a hash enters the table only if at least `minBanks` distinct banks supplied
 * it (Apple required two organisations in different jurisdictions). Returns distinct hashes, sorted.
 */
export function selectListed(entries: readonly ListEntry[], minBanks = 1): Uint8Array[] {
  if (!Number.isInteger(minBanks) || minBanks < 1)
    throw new PsiError('bad-params', 'minBanks must be a positive integer');
  const banks = new Map<string, Set<string>>();
  for (const e of entries) {
    const hex = bytesToHex(hashBytes(e.hash));
    let s = banks.get(hex);
    if (!s) banks.set(hex, (s = new Set()));
    s.add(e.bankId);
  }
  return [...banks]
    .filter(([, s]) => s.size >= minBanks)
    .map(([h]) => h)
    .sort()
    .map((h) => hexToBytes(h));
}

export interface BuildOptions {
  readonly serverKey: ServerKey;
  /** Ed25519 secret key (32 bytes). */
  readonly signingKey: Uint8Array;
  readonly version: number;
  /** Per-account threshold t (default 30, as Apple announced). */
  readonly threshold?: number;
  /** Banks that must agree on a hash before it is listed (default 1; 2 is the recommended policy). */
  readonly minBanks?: number;
  /** Size the table for this many keys even if fewer are listed, so the table hides the list size. */
  readonly capacity?: number;
  readonly random?: RandomSource;
}

/** H(table ‖ key) with the mode's domain tag: what both the table and a voucher blind. */
export function keyPoint(mode: Mode, table: number, key: Uint8Array): Point {
  return hashToPoint(mode === 'exact' ? DST.exact : DST.perceptual, concatBytes(u16be(table), key));
}

/** keyPoint, encoded (through libsodium when the server enabled it). */
function keyPointBytes(mode: Mode, table: number, key: Uint8Array): Uint8Array {
  return hashToPointBytes(mode === 'exact' ? DST.exact : DST.perceptual, concatBytes(u16be(table), key));
}

/** Builds and signs a table from per-table key lists (keys[i] = the keys of LSH table i). */
export function buildTable(
  mode: Mode,
  keys: readonly (readonly Uint8Array[])[],
  lsh: LshParams,
  o: BuildOptions,
): PsiTable {
  const random = o.random ?? defaultRandom;
  const threshold = o.threshold ?? 30;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > MAX_THRESHOLD)
    throw new PsiError('bad-params', `threshold must be 1..${MAX_THRESHOLD}`);
  if (!Number.isInteger(o.version) || o.version < 0 || o.version > 0xffffffff)
    throw new PsiError('bad-params', 'version must be a u32');
  const distinct = keys.map((ks) => {
    const seen = new Map<string, Uint8Array>();
    for (const k of ks) seen.set(bytesToHex(k), k);
    return [...seen.values()];
  });
  const slots = slotCount(Math.max(0, ...distinct.map((d) => d.length)), o.capacity);
  if (slots > 0xffffffff / 32) throw new PsiError('bad-params', 'table too large');
  // The expensive part (α·H(x)) does not depend on the cuckoo seed, so a retry only re-places.
  const blinded = distinct.map((ks, i) =>
    ks.map((k) => mulBytes(keyPointBytes(mode, i, k), o.serverKey.alpha, 'listed key')),
  );
  let cuckooSeed = random(32);
  let owners: Int32Array[] | null = null;
  for (let attempt = 0; attempt < 16 && !owners; attempt++) {
    if (attempt) cuckooSeed = random(32);
    const placed = distinct.map((ks, i) => placeKeys(ks, slots, cuckooSeed, i));
    owners = placed.every((p) => p) ? (placed as Int32Array[]) : null;
  }
  if (!owners) throw new PsiError('cuckoo-failed', 'could not place the listed keys; raise capacity');
  const data = new Uint8Array(lsh.tables * slots * 32);
  for (let i = 0; i < lsh.tables; i++) {
    for (let s = 0; s < slots; s++) {
      const owner = owners[i]![s]!;
      // Empty slots get ρ·G for a fresh ρ: uniform points, indistinguishable from α·H(x) without α.
      const p = owner >= 0 ? blinded[i]![owner]! : baseMulBytes(randomScalar(random));
      data.set(p, (i * slots + s) * 32);
    }
  }
  const body = new Writer()
    .bytes(MAGIC)
    .u8(KIND.table)
    .u8(FORMAT_VERSION)
    .u8(MODE_BYTE[mode])
    .u32(o.version)
    .u16(threshold)
    .u16(lsh.tables)
    .u32(slots)
    .u8(lsh.k)
    .u8(lsh.m)
    .bytes(lsh.seed)
    .bytes(cuckooSeed)
    .bytes(o.serverKey.publicKey)
    .bytes(data)
    .finish();
  const root = sha256(concatBytes(ROOT_DOMAIN, body));
  const signature = ed25519.sign(concatBytes(SIG_DOMAIN, root), o.signingKey);
  return decodeTable(concatBytes(body, signature));
}

function header(b: Uint8Array, kind: number, what: string): Reader {
  const r = new Reader(b, what);
  if (!equalBytes(r.bytes(4), MAGIC) || r.u8() !== kind) throw new PsiError('bad-encoding', `${what}: wrong magic`);
  const v = r.u8();
  if (v !== FORMAT_VERSION) throw new PsiError('bad-version', `${what}: format version ${v} is not supported`);
  return r;
}
export { header as readHeader };

/** Parses a table WITHOUT checking its signature (use verifyTable for anything received). */
function decodeTable(bytes: Uint8Array): PsiTable {
  const r = header(bytes, KIND.table, 'table');
  const modeByte = r.u8();
  const mode: Mode | undefined = modeByte === 1 ? 'exact' : modeByte === 2 ? 'perceptual' : undefined;
  if (!mode) throw new PsiError('bad-encoding', `table: unknown mode ${modeByte}`);
  const version = r.u32();
  const threshold = r.u16();
  const tables = r.u16();
  const slots = r.u32();
  const k = r.u8();
  const m = r.u8();
  const seed = r.bytes(32);
  const cuckooSeed = r.bytes(32);
  const serverPublic = r.bytes(32);
  if (threshold < 1 || threshold > MAX_THRESHOLD || slots < 2 || tables < 1)
    throw new PsiError('bad-encoding', 'table: parameters out of range');
  if (mode === 'exact' ? tables !== 1 || k !== 0 || m !== 1 : k < 1 || k > 64 || m < 1 || m > tables)
    throw new PsiError('bad-encoding', 'table: LSH parameters out of range');
  const slotData = r.bytes(tables * slots * 32);
  const bodyLen = r.offset;
  const signature = r.bytes(64);
  r.end();
  const pub = decodePoint(serverPublic, 'table server key');
  if (pub.is0()) throw new PsiError('bad-encoding', 'table: identity server key');
  const root = sha256(concatBytes(ROOT_DOMAIN, bytes.subarray(0, bodyLen)));
  return {
    mode,
    version,
    threshold,
    slots,
    lsh: { tables, k, m, seed },
    cuckooSeed,
    serverPublic,
    root,
    rootHex: bytesToHex(root),
    signature,
    bytes,
    slotData,
  };
}

export interface VerifyOptions {
  /** Refuse list versions below this one (the last version the client accepted): no rollback. */
  readonly minVersion?: number;
  readonly mode?: Mode;
}

/** Parses a distributed table and checks its Ed25519 signature under the pinned key. */
export function verifyTable(bytes: Uint8Array, publicKey: Uint8Array, opts: VerifyOptions = {}): PsiTable {
  const t = decodeTable(bytes);
  let ok = false;
  try {
    ok = ed25519.verify(t.signature, concatBytes(SIG_DOMAIN, t.root), publicKey);
  } catch {
    ok = false;
  }
  if (!ok) throw new PsiError('bad-signature', 'table signature does not verify');
  if (opts.minVersion !== undefined && t.version < opts.minVersion)
    throw new PsiError('stale-table', `table version ${t.version} is older than ${opts.minVersion}`);
  if (opts.mode && t.mode !== opts.mode)
    throw new PsiError('bad-params', `expected a ${opts.mode} table, got ${t.mode}`);
  return t;
}

/** The point in slot `slot` of LSH table `table` (decoded on demand: clients touch few slots). */
export function slotPoint(t: PsiTable, table: number, slot: number): Point {
  const o = (table * t.slots + slot) * 32;
  return decodePoint(t.slotData.subarray(o, o + 32), 'table slot');
}
