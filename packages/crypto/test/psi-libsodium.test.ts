// The libsodium fast path gives the same group and the same bytes as @noble: a table built from the
// same seeded randomness is byte-identical either way, vouchers evaluate identically (matches,
// non-matches, perceptual hit counts), and bad or degenerate points are treated alike.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  PsiError,
  buildExactTable,
  buildPerceptualTable,
  createAccountSecret,
  createServerKey,
  createTableSigningKey,
  encodeEvidence,
  makeExactVoucher,
  makePerceptualVoucher,
  serverEvaluate,
  useLibsodium,
  usingLibsodium,
} from '../src/psi/index.ts';
import { seeded } from './seeded.ts';
import { mulBytes } from '../src/psi/group.ts';

/** Runs `f` with @noble only, then with libsodium, and returns both results. */
async function both<T>(f: () => T): Promise<[T, T]> {
  await useLibsodium(false);
  const a = f();
  assert.equal(await useLibsodium(), true);
  assert.ok(usingLibsodium());
  const b = f();
  await useLibsodium(false);
  return [a, b];
}

const code = (f: () => unknown) => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return e instanceof PsiError ? e.code : String(e);
  }
};

describe('PSI on libsodium', () => {
  after(() => useLibsodium(false));
  const signer = createTableSigningKey();

  it('builds byte-identical exact tables and evaluates vouchers identically', async () => {
    const [ta, tb] = await both(() => {
      const rng = seeded('sodium-exact');
      const serverKey = createServerKey(rng);
      const listed = Array.from({ length: 30 }, () => sha256(rng(64)));
      return {
        serverKey,
        listed,
        table: buildExactTable(
          listed.map((hash) => ({ hash, bankId: 'b' })),
          { serverKey, signingKey: signer.secretKey, version: 1, threshold: 2, random: rng },
        ),
      };
    });
    assert.deepEqual(tb.table.bytes, ta.table.bytes);
    const account = createAccountSecret(2);
    const payload = encodeEvidence({
      blobId: 'blob',
      attachmentKey: new Uint8Array(32).fill(1),
      sha256: bytesToHex(ta.listed[3]!),
    });
    const vouchers = [
      makeExactVoucher(ta.table, account, { sha256: ta.listed[3]!, payload }),
      makeExactVoucher(ta.table, account, { sha256: sha256(utf8ToBytes('not listed')), payload }),
    ];
    const [ea, eb] = await both(() => vouchers.map((v) => serverEvaluate(ta.serverKey, ta.table, v)));
    assert.deepEqual(eb, ea);
    assert.deepEqual(
      ea.map((e) => e.matched),
      [true, false],
    );
  });

  it('evaluates perceptual vouchers identically (hit counts included)', async () => {
    const rng = seeded('sodium-perceptual');
    const serverKey = createServerKey(rng);
    const listed = Array.from({ length: 10 }, () => rng(32));
    const table = buildPerceptualTable(
      listed.map((hash) => ({ hash, bankId: 'b' })),
      { serverKey, signingKey: signer.secretKey, version: 1, threshold: 2, random: rng },
    );
    const near = listed[0]!.slice();
    near[0]! ^= 0b101; // two bits away
    const account = createAccountSecret(2);
    const payload = encodeEvidence({
      blobId: 'blob',
      attachmentKey: new Uint8Array(32),
      sha256: bytesToHex(sha256(near)),
    });
    const v = makePerceptualVoucher(table, account, { pdq: near, payload });
    const [a, b] = await both(() => serverEvaluate(serverKey, table, v));
    assert.deepEqual(b, a);
    assert.equal(a.matched, true);
  });

  it('treats invalid and identity points as @noble does', async () => {
    const notAPoint = new Uint8Array(32).fill(0xff);
    const identity = new Uint8Array(32);
    const [ca, cb] = await both(() => [code(() => mulBytes(notAPoint, 5n, 'x')), mulBytes(identity, 5n, 'x')]);
    assert.deepEqual(cb, ca);
    assert.equal(ca[0], 'bad-encoding');
    assert.deepEqual(ca[1], identity);
  });
});
