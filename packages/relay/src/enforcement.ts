// What the safety service decided, as it applies on this relay. Decisions arrive only as signed webhooks
// (webhooks.ts) and are kept in the relay's own table; every check here reads that table, never Vigil's.
import type { Kysely } from 'kysely';
import type { RelayDatabase } from './schema.ts';

type Db = Kysely<RelayDatabase>;

/** The data of an `enforcement.action` / `enforcement.reversed` webhook (docs/integration.md). */
export interface ActionData {
  action_id: number | string;
  action: string;
  params?: { days?: number; member_ids?: string[] } | null;
  reason?: string;
  expires_at?: string | null;
  subject: { platform?: string; type: string; id: string };
}

/** An action in force on a subject now (not reversed, not expired). */
async function inForce(db: Db, type: string, id: string, actions: string[], now: Date) {
  return db
    .selectFrom('messenger_enforcement')
    .select(['action', 'expires_at', 'reason'])
    .where('subject_type', '=', type)
    .where('subject_id', '=', id)
    .where('action', 'in', actions)
    .where('reversed_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]))
    .executeTakeFirst();
}

/** 'banned' or 'suspended' while the account may not use the relay; null otherwise. */
export async function accountBlock(db: Db, accountId: string, now: Date): Promise<'banned' | 'suspended' | null> {
  const a = await inForce(db, 'account', accountId, ['ban', 'suspend'], now);
  return a ? (a.action === 'ban' ? 'banned' : 'suspended') : null;
}

/** A restricted account keeps its conversations but cannot create groups, invite links, or join by link. */
export async function restricted(db: Db, accountId: string, now: Date): Promise<boolean> {
  return !!(await inForce(db, 'account', accountId, ['restrict'], now));
}

export async function groupTakenDown(db: Db, groupId: string, now: Date): Promise<boolean> {
  return !!(await inForce(db, 'group', groupId, ['takedown_group'], now));
}

/**
 * Applies one decision. Returns the accounts whose sessions must end now (banned or suspended), so open
 * sockets can be closed. Idempotency is the caller's (by webhook event id); applying twice is harmless anyway.
 */
export async function applyAction(trx: Db, d: ActionData, now: Date): Promise<string[]> {
  const at = now.toISOString();
  const row = (actionId: string, action: string, type: string, id: string) => ({
    action_id: actionId,
    action,
    subject_type: type,
    subject_id: id,
    expires_at: d.expires_at ?? null,
    reason: d.reason ?? '',
    applied_at: at,
    reversed_at: null,
  });
  const record = (r: ReturnType<typeof row>) =>
    trx
      .insertInto('messenger_enforcement')
      .values(r)
      .onConflict((oc) => oc.column('action_id').doNothing())
      .execute();
  const id = String(d.action_id);
  const { type, id: subject } = d.subject;
  await record(row(id, d.action, type, subject));
  switch (d.action) {
    case 'ban':
    case 'suspend':
      return type === 'account' ? [subject] : [];
    case 'remove_avatar':
      if (type === 'account')
        await trx.updateTable('messenger_accounts').set({ avatar_url: null }).where('id', '=', subject).execute();
      else await trx.updateTable('messenger_groups').set({ photo_url: null }).where('id', '=', subject).execute();
      return [];
    case 'reset_name':
      if (type === 'account')
        await trx.updateTable('messenger_accounts').set({ display_name: null }).where('id', '=', subject).execute();
      else
        await trx
          .updateTable('messenger_groups')
          .set({ name: null, description: null })
          .where('id', '=', subject)
          .execute();
      return [];
    case 'revoke_invites':
      await trx
        .updateTable('messenger_invites')
        .set({ revoked_at: at })
        .where('group_id', '=', subject)
        .where('revoked_at', 'is', null)
        .execute();
      return [];
    case 'takedown_group':
      await trx
        .updateTable('messenger_invites')
        .set({ revoked_at: at })
        .where('group_id', '=', subject)
        .where('revoked_at', 'is', null)
        .execute();
      return [];
    case 'ban_members': {
      // Each member's ban is recorded under the group action, so reversing it lifts them all.
      const members = [...new Set(d.params?.member_ids ?? [])];
      for (const m of members) await record({ ...row(`${id}:${m}`, 'ban', 'account', m), expires_at: null });
      return members;
    }
    default:
      return []; // restrict: checked where it applies; strike and unknown actions: recorded only
  }
}

/** An appeal or a lead reversed a decision: it stops applying (with the member bans recorded under it). */
export async function reverseAction(trx: Db, d: ActionData, now: Date): Promise<void> {
  const id = String(d.action_id);
  await trx
    .updateTable('messenger_enforcement')
    .set({ reversed_at: now.toISOString() })
    .where((eb) => eb.or([eb('action_id', '=', id), eb('action_id', 'like', `${id}:%`)]))
    .where('reversed_at', 'is', null)
    .execute();
}
