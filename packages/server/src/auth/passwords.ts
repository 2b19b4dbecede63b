// Staff passwords: scrypt (node:crypto) with a per-password salt, parameters stored with the hash.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384,
  r = 8,
  p = 1,
  KEYLEN = 32;

function derive(password: string, salt: Buffer, n: number, rr: number, pp: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { N: n, r: rr, p: pp, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, rr, pp, salt, key] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const got = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(rr), Number(pp));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

const MIN_PASSWORD_LENGTH = 12;

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `passwords need at least ${MIN_PASSWORD_LENGTH} characters`;
  return null;
}

/** A readable random password for generated accounts (demo admin, `vigil admin create` without --password). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
