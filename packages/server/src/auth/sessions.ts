// Staff login with rate limiting (per address) and lockout (per account), and cookie sessions
// whose id is stored only as a hash. A CSRF token per session guards every state change.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hit } from '../db/rate-limit.ts';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import { appendAudit } from '../audit/log.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { verifyPassword } from './passwords.ts';
import type { Principal, Role } from './roles.ts';
import { VigilError } from '../errors.ts';

export const SESSION_COOKIE = 'vigil_session';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// A valid hash to compare against when the user does not exist, so timing does not reveal it.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function login(
  db: Kysely<Database>,
  cfg: Config,
  clock: Clock,
  o: { username: string; password: string; ip: string },
): Promise<{
  token: string;
  csrfToken: string;
  staff: { id: number; username: string; role: Role };
  expiresAt: string;
}> {
  const now = clock.now();
  await checkIpRate(db, cfg, clock, o.ip);
  const staff = await db.selectFrom('staff').selectAll().where('username', '=', o.username).executeTakeFirst();
  if (staff?.locked_until && staff.locked_until > iso(now)) {
    const wait = Math.ceil((Date.parse(staff.locked_until) - now.getTime()) / 1000);
    throw new VigilError(
      'rate_limited',
      'this account is locked after repeated failed logins; try again later',
      undefined,
      { headers: { 'retry-after': String(wait) } },
    );
  }
  const ok = await verifyPassword(o.password, staff?.password_hash ?? DUMMY_HASH);
  if (!staff || !ok || staff.disabled) {
    if (staff) {
      const failures = staff.failed_logins + 1;
      const lock = failures >= cfg.login.maxFailures;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('staff')
          .set({
            failed_logins: lock ? 0 : failures,
            locked_until: lock ? iso(addMs(now, cfg.login.lockoutMinutes * 60_000)) : staff.locked_until,
          })
          .where('id', '=', staff.id)
          .execute();
        await appendAudit(
          trx,
          {
            actor: 'anonymous',
            action: lock ? 'staff.locked' : 'staff.login_failed',
            subjectType: 'staff',
            subjectId: String(staff.id),
            data: { ip: o.ip },
          },
          clock,
        );
      });
    }
    throw new VigilError('invalid_credentials', 'invalid username or password');
  }
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = iso(addMs(now, cfg.sessionTtlMinutes * 60_000));
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('staff').set({ failed_logins: 0, locked_until: null }).where('id', '=', staff.id).execute();
    await trx
      .insertInto('sessions')
      .values({
        id_hash: sha256(token),
        staff_id: staff.id,
        csrf_token: csrfToken,
        created_at: iso(now),
        expires_at: expiresAt,
        ip: o.ip,
      })
      .execute();
    await appendAudit(
      trx,
      {
        actor: `staff:${staff.id}`,
        action: 'staff.login',
        subjectType: 'staff',
        subjectId: String(staff.id),
        data: { ip: o.ip },
      },
      clock,
    );
  });
  return { token, csrfToken, staff: { id: Number(staff.id), username: staff.username, role: staff.role }, expiresAt };
}

async function checkIpRate(db: Kysely<Database>, cfg: Config, clock: Clock, ip: string) {
  const count = await hit(db, `ip:${ip}`, cfg.login.windowMinutes * 60_000, clock);
  if (count > cfg.login.perIpPerWindow) {
    throw new VigilError('rate_limited', 'too many login attempts from this address; try again later', undefined, {
      headers: { 'retry-after': String(cfg.login.windowMinutes * 60) },
    });
  }
}

export async function sessionPrincipal(db: Kysely<Database>, token: string, clock: Clock): Promise<Principal | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('staff', 'staff.id', 'sessions.staff_id')
    .select([
      'sessions.csrf_token',
      'sessions.expires_at',
      'staff.id',
      'staff.username',
      'staff.role',
      'staff.disabled',
    ])
    .where('sessions.id_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.disabled || row.expires_at <= iso(clock.now())) return null;
  return { kind: 'staff', staffId: Number(row.id), username: row.username, role: row.role, csrfToken: row.csrf_token };
}

export async function logout(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sha256(token)).execute();
}
