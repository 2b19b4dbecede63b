// Platform API keys: "vk_<id>_<secret>". Only a SHA-256 of the 32-byte random secret is stored
// (a high-entropy secret needs no slow hash); lookups are by id, comparison in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, systemClock, type Clock } from '../util/time.ts';
import { SCOPES, type Scope } from './roles.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface CreatedKey {
  id: number;
  key: string; // shown once
  name: string;
  platform: string;
  scopes: Scope[];
}

export async function createApiKey(
  db: Kysely<Database>,
  o: {
    name: string;
    platform: string;
    scopes: Scope[];
    createdBy: number | null;
    actor: string;
    orgId?: number | null;
  },
  clock: Clock,
): Promise<CreatedKey> {
  const bad = o.scopes.filter((s) => !SCOPES.includes(s));
  if (bad.length || !o.scopes.length) throw new Error(`scopes must be some of ${SCOPES.join(', ')}`);
  const secret = randomBytes(32).toString('base64url');
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('api_keys')
      .values({
        name: o.name,
        platform: o.platform,
        scopes: o.scopes.join(','),
        secret_hash: sha256(secret),
        created_by: o.createdBy,
        created_at: iso(clock.now()),
        revoked_at: null,
        last_used_at: null,
        org_id: o.orgId ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await appendAudit(
      trx,
      {
        actor: o.actor,
        action: 'api_key.create',
        subjectType: 'api_key',
        subjectId: String(id),
        data: { name: o.name, platform: o.platform, scopes: o.scopes },
      },
      clock,
    );
    return { id, key: `vk_${id}_${secret}`, name: o.name, platform: o.platform, scopes: o.scopes };
  });
}

export async function revokeApiKey(db: Kysely<Database>, id: number, actor: string, clock: Clock): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('api_keys')
      .set({ revoked_at: iso(clock.now()) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await appendAudit(trx, { actor, action: 'api_key.revoke', subjectType: 'api_key', subjectId: String(id) }, clock);
    return true;
  });
}

/** Last use is recorded at most once a minute per key, so a busy ingest key costs one small write a minute. */
const LAST_USE_EVERY_MS = 60_000;

export async function authenticateApiKey(
  db: Kysely<Database>,
  presented: string,
  clock: Clock = systemClock,
): Promise<{ id: number; platform: string; scopes: Scope[]; orgId: number | null } | null> {
  const m = /^vk_(\d+)_([A-Za-z0-9_-]{20,})$/.exec(presented);
  if (!m) return null;
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', Number(m[1])).executeTakeFirst();
  if (!row || row.revoked_at) return null;
  const a = Buffer.from(sha256(m[2]!), 'hex');
  const b = Buffer.from(row.secret_hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  const now = clock.now();
  const cutoff = iso(new Date(now.getTime() - LAST_USE_EVERY_MS));
  if (!row.last_used_at || row.last_used_at < cutoff) {
    // Conditional, so concurrent requests write once; a failure here never refuses the request.
    await db
      .updateTable('api_keys')
      .set({ last_used_at: iso(now) })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', cutoff)]))
      .execute()
      .catch(() => {});
  }
  return {
    id: Number(row.id),
    platform: row.platform,
    scopes: row.scopes.split(',') as Scope[],
    orgId: row.org_id == null ? null : Number(row.org_id),
  };
}
