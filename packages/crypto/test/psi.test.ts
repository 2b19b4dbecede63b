// Exact-mode PSI: matching, the per-account threshold, synthetic vouchers, tampering, signed tables and
// the two-bank rule. All listed "hashes" are SHA-256 digests of seeded random bytes generated here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  PsiError,
  ThresholdAccumulator,
  buildExactTable,
  createAccountSecret,
  createServerKey,
  createTableSigningKey,
  decodeAccountSecret,
  decodeEvidence,
  decodeServerKey,
  encodeAccountSecret,
  encodeEvidence,
  encodeServerKey,
  makeExactVoucher,
  selectListed,
  serverEvaluate,
  verifyTable,
  type RandomSource,
} from '../src/psi/index.ts';
import { seeded } from './seeded.ts';
import { decodeShares, evalPoly, randomPolynomial } from '../src/psi/shamir.ts';
import { Fn, randomScalar } from '../src/psi/group.ts';

/** SHA-256 of generated benign bytes: the only kind of hash these tests list. */
function fileHashes(rng: RandomSource, n: number): Uint8Array[] {
  return Array.from({ length: n }, () => sha256(rng(64)));
}

const text = (s: string) => utf8ToBytes(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PsiError) return e.code;
    throw e;
  }
  return 'no error';
}

const rng = seeded('psi-exact-fixture');
const serverKey = createServerKey(rng);
const signer = createTableSigningKey();
const listed = fileHashes(rng, 40);
const T = 3;
const table = buildExactTable(
  listed.map((hash) => ({ hash, bankId: 'bank-a' })),
  {
    serverKey,
    signingKey: signer.secretKey,
    version: 7,
    threshold: T,
    random: rng,
  },
);
const verified = verifyTable(table.bytes, signer.publicKey);

describe('exact-mode PSI', () => {
  it('every listed file matches and every unlisted file does not (including one-bit neighbours)', () => {
    const account = createAccountSecret(T, rng);
    for (const h of listed.slice(0, 12)) {
      const e = serverEvaluate(
        serverKey,
        verified,
        makeExactVoucher(verified, account, { sha256: h, payload: text('x') }, { random: rng }),
      );
      assert.equal(e.matched, true);
      if (e.matched) assert.equal(e.tablesHit, 1);
    }
    const unlisted = [
      ...fileHashes(rng, 10),
      ...listed.slice(0, 4).map((h) => {
        const c = h.slice();
        c[31]! ^= 1;
        return c;
      }),
    ];
    for (const h of unlisted) {
      const e = serverEvaluate(
        serverKey,
        verified,
        makeExactVoucher(verified, account, { sha256: bytesToHex(h), payload: text('x') }, { random: rng }),
      );
      assert.equal(e.matched, false);
    }
  });

  it('payloads open after exactly t distinct listed files, for several thresholds, and never before', () => {
    for (const t of [1, 2, 4]) {
      const r = seeded(`threshold-${t}`);
      const tab = buildExactTable(
        listed.slice(0, 8).map((hash) => ({ hash, bankId: 'b' })),
        { serverKey, signingKey: signer.secretKey, version: 1, threshold: t, random: r },
      );
      const account = createAccountSecret(t, r);
      const acc = new ThresholdAccumulator(t);
      // Unlisted files in between never count.
      for (const h of fileHashes(r, 3))
        acc.add(
          serverEvaluate(
            serverKey,
            tab,
            makeExactVoucher(tab, account, { sha256: h, payload: text('benign') }, { random: r }),
          ),
        );
      for (let i = 0; i < t; i++) {
        assert.equal(acc.canOpen(), false, `t=${t}: opened after ${i} matches`);
        assert.equal(
          code(() => acc.open()),
          'below-threshold',
        );
        acc.add(
          serverEvaluate(
            serverKey,
            tab,
            makeExactVoucher(tab, account, { sha256: listed[i]!, payload: text(`match ${i}`) }, { random: r }),
          ),
        );
      }
      assert.equal(acc.canOpen(), true);
      assert.deepEqual(
        acc
          .open()
          .map((o) => str(o.payload))
          .sort(),
        Array.from({ length: t }, (_, i) => `match ${i}`),
      );
      // After the threshold, later matches open as they arrive; non-matches still reveal nothing.
      acc.add(
        serverEvaluate(
          serverKey,
          tab,
          makeExactVoucher(tab, account, { sha256: listed[t]!, payload: text('later') }, { random: r }),
        ),
      );
      assert.equal(acc.open().length, t + 1);
    }
  });

  it('below t the shares say nothing: a server that pretends t−1 is the threshold decrypts no payload', () => {
    const account = createAccountSecret(T, rng);
    const honest = new ThresholdAccumulator(T);
    const cheat = new ThresholdAccumulator(T - 1);
    for (let i = 0; i < T - 1; i++) {
      const e = serverEvaluate(
        serverKey,
        verified,
        makeExactVoucher(verified, account, { sha256: listed[i]!, payload: text(`secret ${i}`) }, { random: rng }),
      );
      honest.add(e);
      cheat.add(e);
    }
    assert.equal(honest.canOpen(), false);
    assert.equal(cheat.canOpen(), true); // any t−1 points fit a lower-degree polynomial...
    assert.deepEqual(cheat.open(), []); // ...whose constant term is not adkey: every payload stays sealed
    assert.equal(cheat.discardedCount, T - 1);
  });

  it('t counts matching vouchers: resending one file gives fresh, unlinkable shares', () => {
    const account = createAccountSecret(T, rng);
    const acc = new ThresholdAccumulator(T);
    const xs = new Set<bigint>();
    for (let i = 0; i < T; i++) {
      assert.equal(acc.canOpen(), false);
      const e = serverEvaluate(
        serverKey,
        verified,
        makeExactVoucher(verified, account, { sha256: listed[0]!, payload: text(`copy ${i}`) }, { random: rng }),
      );
      assert.ok(e.matched);
      if (e.matched) xs.add(e.share.x);
      acc.add(e);
    }
    assert.equal(xs.size, T, 'a repeated x would tell the server that a match is real');
    assert.equal(acc.open().length, T);
  });

  it('a replayed voucher counts once', () => {
    const account = createAccountSecret(T, rng);
    const acc = new ThresholdAccumulator(T);
    const e = serverEvaluate(
      serverKey,
      verified,
      makeExactVoucher(verified, account, { sha256: listed[0]!, payload: text('once') }, { random: rng }),
    );
    for (let i = 0; i < T; i++) acc.add(e);
    assert.equal(acc.matchedCount, 1);
    assert.equal(acc.canOpen(), false);
  });

  it('one accumulator per account secret: vouchers under another secret are refused', () => {
    const acc = new ThresholdAccumulator(T);
    acc.add(
      serverEvaluate(
        serverKey,
        verified,
        makeExactVoucher(
          verified,
          createAccountSecret(T, rng),
          { sha256: listed[0]!, payload: text('a') },
          { random: rng },
        ),
      ),
    );
    const other = serverEvaluate(
      serverKey,
      verified,
      makeExactVoucher(
        verified,
        createAccountSecret(T, rng),
        { sha256: listed[1]!, payload: text('b') },
        { random: rng },
      ),
    );
    assert.equal(
      code(() => acc.add(other)),
      'bad-params',
    );
  });

  it('synthetic vouchers match the outer layer, never yield a payload and do not break reconstruction', () => {
    const r = seeded('synthetic');
    const account = createAccountSecret(T, r);
    const acc = new ThresholdAccumulator(T);
    const real = makeExactVoucher(verified, account, { sha256: listed[5]!, payload: text('real') }, { random: r });
    const fake = makeExactVoucher(
      verified,
      account,
      { sha256: fileHashes(r, 1)[0]!, payload: text('fake') },
      { random: r, syntheticProbability: 1 },
    );
    assert.equal(fake.length, real.length, 'synthetic vouchers have the size of real ones');
    // Synthetic vouchers for unlisted and for listed files alike: two of them, among t + 2 real ones.
    const synth = [
      fake,
      makeExactVoucher(
        verified,
        account,
        { sha256: listed[6]!, payload: text('fake') },
        { random: r, syntheticProbability: 1 },
      ),
    ];
    for (const v of synth) {
      const e = serverEvaluate(serverKey, verified, v);
      assert.equal(e.matched, true);
      if (e.matched) assert.equal(e.tablesHit, 1);
      acc.add(e);
    }
    assert.equal(acc.canOpen(), false, 'synthetic vouchers alone reach nothing');
    const payloads: string[] = [];
    for (let i = 0; i < T + 2; i++) {
      acc.add(
        serverEvaluate(
          serverKey,
          verified,
          makeExactVoucher(verified, account, { sha256: listed[10 + i]!, payload: text(`real ${i}`) }, { random: r }),
        ),
      );
      payloads.push(`real ${i}`);
    }
    // Berlekamp–Welch needs t + s true shares with s synthetic ones mixed in: here t + 2.
    assert.equal(acc.canOpen(), true);
    assert.deepEqual(
      acc
        .open()
        .map((o) => str(o.payload))
        .sort(),
      payloads.sort(),
    );
    assert.equal(acc.discardedCount, 2);
  });

  it('with probability p a voucher is synthetic (seeded: about p of them)', () => {
    const r = seeded('synthetic-rate');
    const account = createAccountSecret(T, r);
    let matched = 0;
    const n = 60;
    for (const h of fileHashes(r, n))
      if (
        serverEvaluate(
          serverKey,
          verified,
          makeExactVoucher(
            verified,
            account,
            { sha256: h, payload: text('x') },
            { random: r, syntheticProbability: 0.25 },
          ),
        ).matched
      )
        matched++;
    assert.ok(matched >= 6 && matched <= 26, `${matched} of ${n} unlisted files produced outer matches at p = 0.25`);
  });

  it('rejects altered vouchers with typed errors and never returns a match for an altered one', () => {
    const account = createAccountSecret(T, rng);
    const v = makeExactVoucher(verified, account, { sha256: listed[3]!, payload: text('evidence') }, { random: rng });
    const flip = (i: number, bit = 1) => {
      const c = v.slice();
      c[i]! ^= bit;
      return c;
    };
    const ev = (b: Uint8Array) =>
      code(() => {
        if (serverEvaluate(serverKey, verified, b).matched) throw new Error('altered voucher matched');
      });
    assert.equal(ev(flip(0)), 'bad-encoding'); // magic
    assert.equal(ev(flip(5)), 'bad-version');
    assert.equal(ev(flip(6)), 'wrong-table'); // mode
    assert.equal(ev(flip(10)), 'wrong-table'); // list version
    assert.equal(ev(flip(20)), 'wrong-table'); // table root
    assert.equal(ev(v.subarray(0, v.length - 1)), 'bad-encoding');
    assert.equal(ev(concatBytes(v, new Uint8Array(1))), 'bad-encoding');
    assert.equal(ev(flip(50)), 'tampered'); // account secret id: authenticated by the body
    const parts = 61; // offset of the first part
    // Which of the two parts matched is secret to the client; altering either must not yield a match.
    const outcomes = new Set<string>();
    for (let i = parts; i < v.length; i += 7) {
      const c = ev(flip(i, 0x10));
      assert.ok(['bad-encoding', 'tampered', 'no error'].includes(c), `byte ${i}: ${c}`);
      outcomes.add(c);
    }
    assert.ok(outcomes.has('tampered'), 'body changes are detected as tampering');
    assert.equal(serverEvaluate(serverKey, verified, v).matched, true, 'the original still matches');
  });

  it('a voucher for another table version is refused', () => {
    const v2 = buildExactTable(
      listed.map((hash) => ({ hash, bankId: 'a' })),
      { serverKey, signingKey: signer.secretKey, version: 8, threshold: T, random: rng },
    );
    const account = createAccountSecret(T, rng);
    const v = makeExactVoucher(verified, account, { sha256: listed[0]!, payload: text('x') }, { random: rng });
    assert.equal(
      code(() => serverEvaluate(serverKey, v2, v)),
      'wrong-table',
    );
    assert.equal(
      code(() =>
        makeExactVoucher(verified, createAccountSecret(T + 1, rng), { sha256: listed[0]!, payload: text('x') }),
      ),
      'bad-params',
    );
  });
});

describe('signed tables', () => {
  it('verifies, and has a root hash anyone can recompute from the bytes', () => {
    assert.equal(verified.version, 7);
    assert.equal(verified.threshold, T);
    assert.equal(verified.rootHex, table.rootHex);
    const body = table.bytes.subarray(0, table.bytes.length - 64);
    assert.equal(bytesToHex(sha256(concatBytes(utf8ToBytes('vigil-psi-table-v1'), body))), verified.rootHex);
    assert.ok(verified.slots >= listed.length / 0.45);
    assert.equal(table.bytes.length, 4 + 1 + 1 + 1 + 4 + 2 + 2 + 4 + 1 + 1 + 96 + verified.slots * 32 + 64);
  });

  it('refuses a wrong key, any altered byte, truncation, unknown versions and rollbacks', () => {
    assert.equal(
      code(() => verifyTable(table.bytes, createTableSigningKey().publicKey)),
      'bad-signature',
    );
    for (const i of [7, 12, 20, 60, 200, 1000, table.bytes.length - 100, table.bytes.length - 1]) {
      const c = table.bytes.slice();
      c[i]! ^= 1;
      assert.ok(['bad-signature', 'bad-encoding'].includes(code(() => verifyTable(c, signer.publicKey))), `byte ${i}`);
    }
    const badVersion = table.bytes.slice();
    badVersion[5] = 2;
    assert.equal(
      code(() => verifyTable(badVersion, signer.publicKey)),
      'bad-version',
    );
    assert.equal(
      code(() => verifyTable(table.bytes.subarray(0, 100), signer.publicKey)),
      'bad-encoding',
    );
    assert.equal(
      code(() => verifyTable(table.bytes, signer.publicKey, { minVersion: 8 })),
      'stale-table',
    );
    assert.equal(verifyTable(table.bytes, signer.publicKey, { minVersion: 7 }).version, 7);
    assert.equal(
      code(() => verifyTable(table.bytes, signer.publicKey, { mode: 'perceptual' })),
      'bad-params',
    );
  });

  it('the two-bank rule: only hashes that at least two distinct banks supplied are listed', () => {
    const r = seeded('banks');
    const [both, onlyA, twiceA, onlyB] = fileHashes(r, 4) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const entries = [
      { hash: both, bankId: 'ncmec' },
      { hash: bytesToHex(both).toUpperCase(), bankId: 'iwf' },
      { hash: onlyA, bankId: 'ncmec' },
      { hash: twiceA, bankId: 'ncmec' },
      { hash: twiceA, bankId: 'ncmec' },
      { hash: onlyB, bankId: 'iwf' },
    ];
    assert.deepEqual(selectListed(entries, 2).map(bytesToHex), [bytesToHex(both)]);
    assert.equal(selectListed(entries, 1).length, 4);
    const tab = buildExactTable(entries, {
      serverKey,
      signingKey: signer.secretKey,
      version: 1,
      threshold: 1,
      minBanks: 2,
      random: r,
    });
    const account = createAccountSecret(1, r);
    const matches = [both, onlyA, twiceA, onlyB].map(
      (h) =>
        serverEvaluate(serverKey, tab, makeExactVoucher(tab, account, { sha256: h, payload: text('x') }, { random: r }))
          .matched,
    );
    assert.deepEqual(matches, [true, false, false, false]);
    assert.equal(
      code(() => selectListed(entries, 0)),
      'bad-params',
    );
  });
});

describe('encodings', () => {
  it('account secrets and server keys round-trip; vouchers from a restored secret combine with earlier ones', () => {
    const account = createAccountSecret(2, rng);
    const restored = decodeAccountSecret(encodeAccountSecret(account));
    assert.deepEqual(restored, { ...account, id: account.id.slice() });
    const sk2 = decodeServerKey(encodeServerKey(serverKey));
    const tab = buildExactTable(
      listed.slice(0, 4).map((hash) => ({ hash, bankId: 'a' })),
      { serverKey, signingKey: signer.secretKey, version: 1, threshold: 2, random: rng },
    );
    const acc = new ThresholdAccumulator(2);
    acc.add(
      serverEvaluate(
        sk2,
        tab,
        makeExactVoucher(tab, account, { sha256: listed[0]!, payload: text('one') }, { random: rng }),
      ),
    );
    acc.add(
      serverEvaluate(
        sk2,
        tab,
        makeExactVoucher(tab, restored, { sha256: listed[1]!, payload: text('two') }, { random: rng }),
      ),
    );
    assert.deepEqual(
      acc
        .open()
        .map((o) => str(o.payload))
        .sort(),
      ['one', 'two'],
    );
    const enc = encodeAccountSecret(account);
    assert.equal(
      code(() => decodeAccountSecret(enc.subarray(0, enc.length - 1))),
      'bad-encoding',
    );
    assert.equal(
      code(() => decodeServerKey(new Uint8Array(38))),
      'bad-encoding',
    );
  });

  it('evidence round-trips and refuses unknown versions', () => {
    const e = { blobId: 'blob-1', attachmentKey: rng(32), sha256: bytesToHex(listed[0]!) };
    assert.deepEqual(decodeEvidence(encodeEvidence(e)), e);
    const withPdq = { ...e, pdq: bytesToHex(listed[1]!) };
    assert.deepEqual(decodeEvidence(encodeEvidence(withPdq)), withPdq);
    const bad = encodeEvidence(e);
    bad[0] = 9;
    assert.equal(
      code(() => decodeEvidence(bad)),
      'bad-version',
    );
  });
});

describe('Berlekamp–Welch share decoding', () => {
  it('recovers the secret with up to ⌊(n − t)/2⌋ junk shares and never returns a wrong polynomial', () => {
    const r = seeded('bw');
    for (const t of [1, 3, 6]) {
      for (let trial = 0; trial < 4; trial++) {
        const poly = randomPolynomial(randomScalar(r), t, r);
        const n = t + 2 * trial + 1;
        const shares = Array.from({ length: n }, () => {
          const x = randomScalar(r);
          return { x, y: evalPoly(poly, x) };
        });
        const e = Math.floor((n - t) / 2);
        for (let j = 0; j < e; j++) shares[(j * 5) % n] = { x: shares[(j * 5) % n]!.x, y: randomScalar(r) };
        const got = decodeShares(shares, t);
        assert.ok(got && Fn.eql(got[0]!, poly[0]!), `t=${t} n=${n} e=${e}`);
        // One junk share too many: decoding fails (null) rather than returning a wrong secret.
        if (n - e - 1 >= 0) {
          const worse = shares.slice();
          const idx = worse.findIndex((s) => Fn.eql(evalPoly(poly, s.x), s.y));
          worse[idx] = { x: worse[idx]!.x, y: randomScalar(r) };
          const bad = decodeShares(worse, t);
          assert.ok(bad === null || Fn.eql(bad[0]!, poly[0]!), 'never a wrong secret');
        }
      }
    }
    assert.equal(decodeShares([], 1), null);
  });
});
