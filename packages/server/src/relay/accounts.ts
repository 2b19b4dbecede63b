// Relay accounts: a username and a password (no phone number), device tokens stored as SHA-256.
// Vigil's own enforcement applies: a banned account cannot sign in, and its tokens stop working.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { HttpError } from '../http/errors.ts';
import { iso, type Clock } from '../util/time.ts';

const USERNAME = /^[a-z0-9_.]{3,32}$/;
const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

export async function isBanned(db: Kysely<Database>, platform: string, accountId: string): Promise<boolean> {
  return !!(await db.selectFrom('enforcement_actions').select('id').where('platform', '=', platform).where('subject_type', '=', 'account').where('subject_id', '=', accountId).where('action', '=', 'ban').where('status', '=', 'active').executeTakeFirst());
}

async function newDevice(db: Kysely<Database>, accountId: string, clock: Clock): Promise<string> {
  const token = `vd_${randomBytes(32).toString('base64url')}`;
  const now = iso(clock.now());
  await db.insertInto('relay_devices').values({ token_hash: tokenHash(token), account_id: accountId, created_at: now, last_seen_at: now }).execute();
  return token;
}

export async function register(db: Kysely<Database>, username: string, password: string, clock: Clock): Promise<{ userId: string; token: string }> {
  if (!USERNAME.test(username)) throw new HttpError(400, 'invalid_request', 'usernames are 3–32 characters: a–z, 0–9, _ and .');
  if (password.length < 10) throw new HttpError(400, 'invalid_request', 'passwords have at least 10 characters');
  if (await db.selectFrom('relay_accounts').select('id').where('username', '=', username).executeTakeFirst()) throw new HttpError(409, 'conflict', `username "${username}" is taken`);
  const id = `u-${randomBytes(8).toString('hex')}`;
  await db.insertInto('relay_accounts').values({ id, username, password_hash: await hashPassword(password), created_at: iso(clock.now()) }).execute();
  return { userId: id, token: await newDevice(db, id, clock) };
}

export async function login(db: Kysely<Database>, platform: string, username: string, password: string, clock: Clock): Promise<{ userId: string; token: string }> {
  const a = await db.selectFrom('relay_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  if (!a || !(await verifyPassword(password, a.password_hash))) throw new HttpError(401, 'invalid_credentials', 'wrong username or password');
  if (await isBanned(db, platform, a.id)) throw new HttpError(403, 'banned', 'this account is banned');
  return { userId: a.id, token: await newDevice(db, a.id, clock) };
}

/** The account behind a device token, unless it is unknown or banned. */
export async function deviceAccount(db: Kysely<Database>, platform: string, token: string): Promise<{ accountId: string; username: string } | null> {
  const d = await db.selectFrom('relay_devices').innerJoin('relay_accounts', 'relay_accounts.id', 'relay_devices.account_id').select(['relay_accounts.id', 'relay_accounts.username']).where('relay_devices.token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (!d || (await isBanned(db, platform, d.id))) return null;
  return { accountId: d.id, username: d.username };
}
