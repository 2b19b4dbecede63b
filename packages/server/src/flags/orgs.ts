// Flagger organisations (hotlines, NGOs, law enforcement), registered by admins, each with its own API keys.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { VigilError, notFound } from '../errors.ts';
import { iso, type Clock } from '../util/time.ts';

export const FLAGGER_ORG_KINDS = ['hotline', 'ngo', 'law_enforcement', 'trusted_flagger'] as const;

/** Registers an organisation (audited); names are unique. */
export async function createFlaggerOrg(
  db: Kysely<Database>,
  org: { name: string; kind: (typeof FLAGGER_ORG_KINDS)[number] },
  actor: string,
  clock: Clock,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('flagger_orgs').select('id').where('name', '=', org.name).executeTakeFirst())
      throw new VigilError('conflict', `an organisation named "${org.name}" exists`);
    const row = await trx
      .insertInto('flagger_orgs')
      .values({ ...org, disabled: 0, created_at: iso(clock.now()) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(
      trx,
      { actor, action: 'flagger_org.create', subjectType: 'flagger_org', subjectId: String(row.id), data: org },
      clock,
    );
    return Number(row.id);
  });
}

/** An API key with scope `flag` for an organisation: it reaches only that organisation's flags. */
export async function createFlaggerOrgKey(
  db: Kysely<Database>,
  orgId: number,
  k: { name: string; platform: string },
  createdBy: number,
  actor: string,
  clock: Clock,
): Promise<{ id: number; key: string }> {
  const org = await db.selectFrom('flagger_orgs').select(['id', 'name']).where('id', '=', orgId).executeTakeFirst();
  if (!org) throw notFound(`organisation ${orgId}`);
  const key = await createApiKey(
    db,
    { name: `${org.name}: ${k.name}`, platform: k.platform, scopes: ['flag'], createdBy, actor, orgId: Number(org.id) },
    clock,
  );
  return { id: key.id, key: key.key };
}
