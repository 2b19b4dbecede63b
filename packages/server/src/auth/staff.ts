// Staff accounts. Every change is audited in the same transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, type Clock } from '../util/time.ts';
import { generatePassword, hashPassword, passwordProblem } from './passwords.ts';
import { ROLES, type Role } from './roles.ts';
import { VigilError } from '../errors.ts';

export async function createStaff(
  db: Kysely<Database>,
  o: { username: string; role: Role; password?: string; displayName?: string | null },
  actor: string,
  clock: Clock,
): Promise<{ id: number; username: string; role: Role; password?: string }> {
  if (!/^[a-z0-9][a-z0-9._-]{1,63}$/i.test(o.username))
    throw new VigilError('staff_error', 'username: 2-64 letters, digits, dot, dash or underscore');
  if (!ROLES.includes(o.role)) throw new VigilError('staff_error', `role must be one of ${ROLES.join(', ')}`);
  // Without a password the account gets a generated one, returned once (the console shows it once).
  const generated = o.password === undefined ? generatePassword() : undefined;
  const password = o.password ?? generated!;
  const weak = passwordProblem(password);
  if (weak) throw new VigilError('staff_error', weak);
  const password_hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('staff').select('id').where('username', '=', o.username).executeTakeFirst();
    if (exists) throw new VigilError('conflict', `a staff account named "${o.username}" already exists`);
    const row = await trx
      .insertInto('staff')
      .values({
        username: o.username,
        display_name: o.displayName ?? null,
        role: o.role,
        password_hash,
        failed_logins: 0,
        locked_until: null,
        disabled: 0,
        created_at: iso(clock.now()),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await appendAudit(
      trx,
      {
        actor,
        action: 'staff.create',
        subjectType: 'staff',
        subjectId: String(id),
        data: { username: o.username, role: o.role },
      },
      clock,
    );
    return { id, username: o.username, role: o.role, ...(generated ? { password: generated } : {}) };
  });
}

export async function updateStaff(
  db: Kysely<Database>,
  id: number,
  change: { role?: Role; disabled?: boolean; unlock?: boolean; password?: string },
  actor: string,
  clock: Clock,
): Promise<void> {
  if (change.password !== undefined) {
    const weak = passwordProblem(change.password);
    if (weak) throw new VigilError('staff_error', weak);
  }
  const password_hash = change.password !== undefined ? await hashPassword(change.password) : undefined;
  await db.transaction().execute(async (trx) => {
    const set: Record<string, unknown> = {};
    if (change.role) set.role = change.role;
    if (change.disabled !== undefined) set.disabled = change.disabled ? 1 : 0;
    if (change.unlock) Object.assign(set, { locked_until: null, failed_logins: 0 });
    if (password_hash) set.password_hash = password_hash;
    if (!Object.keys(set).length) throw new VigilError('staff_error', 'nothing to change');
    if (change.disabled || (change.role && change.role !== 'admin')) await keepOneAdmin(trx, id);
    const r = await trx.updateTable('staff').set(set).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new VigilError('not_found', `staff account ${id} not found`);
    // A disabled or re-roled account loses its sessions at once.
    if (change.disabled || change.role || password_hash)
      await trx.deleteFrom('sessions').where('staff_id', '=', id).execute();
    const { password: _omit, ...logged } = change;
    await appendAudit(
      trx,
      {
        actor,
        action: 'staff.update',
        subjectType: 'staff',
        subjectId: String(id),
        data: { ...logged, passwordChanged: !!password_hash },
      },
      clock,
    );
  });
}

/** Refuses a change that would leave no enabled admin (nobody could then manage staff from the console). */
async function keepOneAdmin(trx: Kysely<Database>, id: number): Promise<void> {
  const others = await trx
    .selectFrom('staff')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .where('id', '!=', id)
    .limit(1)
    .execute();
  const self = await trx.selectFrom('staff').select(['role', 'disabled']).where('id', '=', id).executeTakeFirst();
  if (self?.role === 'admin' && !self.disabled && !others.length)
    throw new VigilError('conflict', 'this is the last enabled admin: make another admin first');
}

/**
 * Replaces a staff member's password with a generated one, returned once to the admin who asked. The account's
 * sessions end and a lockout is lifted, so the person can sign in with the new password straight away.
 */
export async function resetStaffPassword(
  db: Kysely<Database>,
  id: number,
  actor: string,
  clock: Clock,
): Promise<{ password: string }> {
  const password = generatePassword();
  const password_hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('staff')
      .set({ password_hash, failed_logins: 0, locked_until: null })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new VigilError('not_found', `staff account ${id} not found`);
    await trx.deleteFrom('sessions').where('staff_id', '=', id).execute();
    await appendAudit(
      trx,
      { actor, action: 'staff.password_reset', subjectType: 'staff', subjectId: String(id), data: {} },
      clock,
    );
  });
  return { password };
}
