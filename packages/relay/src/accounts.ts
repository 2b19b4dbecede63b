// Messenger accounts: a username and a password (no phone number), device tokens stored as SHA-256.
// A banned or suspended account cannot sign in, and its tokens stop working.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RelayDatabase } from './schema.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { RelayError } from './errors.ts';
import { accountBlock } from './enforcement.ts';

type Db = Kysely<RelayDatabase>;
const USERNAME = /^[a-z0-9_.]{3,32}$/;
const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

async function newDevice(db: Db, accountId: string, now: Date): Promise<string> {
  const token = `vd_${randomBytes(32).toString('base64url')}`;
  await db
    .insertInto('messenger_devices')
    .values({
      token_hash: tokenHash(token),
      account_id: accountId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
    })
    .execute();
  return token;
}

export async function register(
  db: Db,
  username: string,
  password: string,
  now: Date,
): Promise<{ userId: string; token: string }> {
  if (!USERNAME.test(username))
    throw new RelayError(400, 'invalid_request', 'usernames are 3–32 characters: a–z, 0–9, _ and .');
  if (password.length < 10) throw new RelayError(400, 'invalid_request', 'passwords have at least 10 characters');
  if (await db.selectFrom('messenger_accounts').select('id').where('username', '=', username).executeTakeFirst())
    throw new RelayError(409, 'conflict', `username "${username}" is taken`);
  const id = `u-${randomBytes(8).toString('hex')}`;
  await db
    .insertInto('messenger_accounts')
    .values({
      id,
      username,
      password_hash: await hashPassword(password),
      display_name: null,
      bio: null,
      avatar_url: null,
      created_at: now.toISOString(),
    })
    .execute();
  return { userId: id, token: await newDevice(db, id, now) };
}

export async function login(
  db: Db,
  username: string,
  password: string,
  now: Date,
): Promise<{ userId: string; token: string }> {
  const a = await db.selectFrom('messenger_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  if (!a || !(await verifyPassword(password, a.password_hash)))
    throw new RelayError(401, 'invalid_credentials', 'wrong username or password');
  const block = await accountBlock(db, a.id, now);
  if (block) throw new RelayError(403, block, `this account is ${block}`);
  return { userId: a.id, token: await newDevice(db, a.id, now) };
}

/** The account behind a device token, unless it is unknown, banned or suspended. */
export async function deviceAccount(
  db: Db,
  token: string,
  now: Date,
): Promise<{ accountId: string; username: string } | null> {
  const d = await db
    .selectFrom('messenger_devices')
    .innerJoin('messenger_accounts', 'messenger_accounts.id', 'messenger_devices.account_id')
    .select(['messenger_accounts.id', 'messenger_accounts.username'])
    .where('messenger_devices.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!d || (await accountBlock(db, d.id, now))) return null;
  return { accountId: d.id, username: d.username };
}
