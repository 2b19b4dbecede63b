// Shamir secret sharing over the ristretto255 scalar field Fn (noble's Field: all arithmetic is Fn's),
// plus Berlekamp–Welch decoding, so a secret can be recovered from shares mixed with junk — the
// synthetic vouchers' dummy shares look exactly like real ones until the polynomial is known.
import { Fn, randomScalar, type RandomSource } from './group.ts';

export type Share = { x: bigint; y: bigint };

/** Coefficients a0..a_{t-1} of a random polynomial of degree t-1 with f(0) = secret. */
export function randomPolynomial(secret: bigint, threshold: number, random: RandomSource): bigint[] {
  const coeffs = [secret];
  for (let i = 1; i < threshold; i++) coeffs.push(randomScalar(random));
  return coeffs;
}

export function evalPoly(coeffs: readonly bigint[], x: bigint): bigint {
  let acc = Fn.ZERO;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = Fn.add(Fn.mul(acc, x), coeffs[i]!);
  return acc;
}

/** Lagrange basis values λ_j(at) for the distinct points xs: f(at) = Σ λ_j f(xs_j). */
export function lagrangeAt(xs: readonly bigint[], at: bigint): bigint[] {
  const nums: bigint[] = [];
  const dens: bigint[] = [];
  for (let j = 0; j < xs.length; j++) {
    let num = Fn.ONE;
    let den = Fn.ONE;
    for (let i = 0; i < xs.length; i++) {
      if (i === j) continue;
      num = Fn.mul(num, Fn.sub(at, xs[i]!));
      den = Fn.mul(den, Fn.sub(xs[j]!, xs[i]!));
    }
    nums.push(num);
    dens.push(den);
  }
  const inv = Fn.invertBatch(dens);
  return nums.map((n, j) => Fn.mul(n, inv[j]!));
}

/** Any solution of A·z = b (rows of A with b appended), or null if there is none. */
function solve(rows: bigint[][], cols: number): bigint[] | null {
  const m = rows.map((r) => r.slice());
  const pivotCol: number[] = [];
  let r = 0;
  for (let c = 0; c < cols && r < m.length; c++) {
    let p = r;
    while (p < m.length && Fn.is0(m[p]![c]!)) p++;
    if (p === m.length) continue;
    [m[r], m[p]] = [m[p]!, m[r]!];
    const inv = Fn.inv(m[r]![c]!);
    const pr = m[r]!;
    for (let k = c; k <= cols; k++) pr[k] = Fn.mul(pr[k]!, inv);
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i]![c]!;
      if (Fn.is0(f)) continue;
      const row = m[i]!;
      for (let k = c; k <= cols; k++) row[k] = Fn.sub(row[k]!, Fn.mul(f, pr[k]!));
    }
    pivotCol.push(c);
    r++;
  }
  for (let i = r; i < m.length; i++) if (!Fn.is0(m[i]![cols]!)) return null; // inconsistent
  const z = new Array<bigint>(cols).fill(Fn.ZERO); // free variables = 0
  pivotCol.forEach((c, i) => (z[c] = m[i]![cols]!));
  return z;
}

/** Divides num by the monic den; null unless the remainder is zero. Coefficients low → high. */
function divideExact(num: bigint[], den: bigint[]): bigint[] | null {
  const rem = num.slice();
  const dd = den.length - 1;
  if (rem.length - 1 < dd) return rem.every((c) => Fn.is0(c)) ? [Fn.ZERO] : null;
  const q = new Array<bigint>(rem.length - dd).fill(Fn.ZERO);
  for (let i = rem.length - 1; i >= dd; i--) {
    const c = rem[i]!; // den is monic
    q[i - dd] = c;
    if (Fn.is0(c)) continue;
    for (let j = 0; j <= dd; j++) rem[i - dd + j] = Fn.sub(rem[i - dd + j]!, Fn.mul(c, den[j]!));
  }
  for (let i = 0; i < dd; i++) if (!Fn.is0(rem[i]!)) return null;
  return q;
}

/**
 * Berlekamp–Welch: the polynomial of degree < threshold through all but at most e = ⌊(n − t)/2⌋ of the
 * n shares (distinct x), or null. With r true shares and s junk ones it succeeds once r ≥ t + s.
 */
export function decodeShares(shares: readonly Share[], threshold: number): bigint[] | null {
  const n = shares.length;
  if (n < threshold) return null;
  const e = Math.floor((n - threshold) / 2);
  // Unknowns: E(x) = x^e + Σ_{j<e} E_j x^j and Q(x) = Σ_{j<t+e} Q_j x^j, with Q(x_i) = y_i E(x_i).
  const cols = threshold + 2 * e;
  const rows = shares.map(({ x, y }) => {
    const row: bigint[] = [];
    const pw: bigint[] = [Fn.ONE];
    for (let j = 1; j <= threshold + e; j++) pw.push(Fn.mul(pw[j - 1]!, x));
    for (let j = 0; j < threshold + e; j++) row.push(pw[j]!);
    for (let j = 0; j < e; j++) row.push(Fn.neg(Fn.mul(y, pw[j]!)));
    row.push(Fn.mul(y, pw[e]!));
    return row;
  });
  const z = solve(rows, cols);
  if (!z) return null;
  const Q = z.slice(0, threshold + e);
  const E = [...z.slice(threshold + e), Fn.ONE];
  const P = divideExact(Q, E);
  if (!P || P.length > threshold) return null;
  while (P.length < threshold) P.push(Fn.ZERO);
  let agree = 0;
  for (const s of shares) if (Fn.eql(evalPoly(P, s.x), s.y)) agree++;
  return agree >= n - e ? P : null;
}
