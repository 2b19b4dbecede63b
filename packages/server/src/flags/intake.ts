// Flags from outside (trusted flaggers, bulk lists, the public form). Each is stored with a reference
// at once, resolved to the account or group it names when Vigil knows it, and merged with other flags
// about the same subject into one case whose priority grows with the number of reporters.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { normaliseExternal } from '../detect/index.ts';
import { recordSignal, SEVERITY } from '../detect/index.ts';
import { toJson } from '../util/json.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { requestReview } from '../review/index.ts';

export const SUBJECT_KINDS = [
  'handle',
  'invite_link',
  'group_name',
  'media_hash',
  'url',
  'account_id',
  'group_id',
] as const;
export const CATEGORIES = ['csam', 'grooming', 'sextortion', 'trading', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const flagInput = z
  .object({
    subject: z.object({ kind: z.enum(SUBJECT_KINDS), value: z.string().trim().min(1).max(2048) }).strict(),
    category: z.enum(CATEGORIES),
    notes: z.string().max(5000).optional(),
    /** Where the flagger found it (e.g. an invite-link directory page). */
    found_at_url: z.string().url().max(2048).optional(),
    /** Hashes are preferred to files. */
    evidence: z
      .object({
        md5: z
          .array(z.string().regex(/^[0-9a-fA-F]{32}$/))
          .max(100)
          .optional(),
        sha256: z
          .array(z.string().regex(/^[0-9a-fA-F]{64}$/))
          .max(100)
          .optional(),
        pdq: z
          .array(z.string().regex(/^[0-9a-fA-F]{64}$/))
          .max(100)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type FlagInput = z.infer<typeof flagInput>;

export interface FlagConfig {
  deadlinesHours: Record<Category, number>;
}

const BASE_PRIORITY: Record<Category, number> = { csam: 85, grooming: 80, sextortion: 80, trading: 75, other: 50 };
const TRUSTED_BONUS = 5;

/** A reference people can read aloud: VGL- and 10 characters without look-alikes. */
function newReference(): string {
  const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  const b = randomBytes(10);
  let s = '';
  for (const x of b) s += alphabet[x % alphabet.length];
  return `VGL-${s.slice(0, 5)}-${s.slice(5)}`;
}

/** The merge key: flags with the same key are about the same thing. */
export function caseKey(kind: FlagInput['subject']['kind'], value: string): string {
  switch (kind) {
    case 'handle':
      return `handle:${normaliseExternal('handle', value)}`;
    case 'invite_link':
      return `invite:${normaliseExternal('invite_url', value)}`;
    case 'group_name':
      return `group_name:${value.normalize('NFKC').trim().toLowerCase()}`;
    case 'media_hash':
      return `hash:${value.trim().toLowerCase()}`;
    case 'url':
      return `url:${normaliseExternal('invite_url', value)}`;
    case 'account_id':
      return `account:${value.trim()}`;
    case 'group_id':
      return `group:${value.trim()}`;
  }
}

/** Finds the account or group a flag names, if Vigil has seen it. */
async function resolveSubject(
  db: Kysely<Database>,
  platform: string,
  kind: FlagInput['subject']['kind'],
  value: string,
): Promise<{ type: string; id: string } | null> {
  const v = value.trim();
  if (kind === 'account_id')
    return (await db
      .selectFrom('accounts')
      .select('id')
      .where('platform', '=', platform)
      .where('id', '=', v)
      .executeTakeFirst())
      ? { type: 'account', id: v }
      : null;
  if (kind === 'group_id')
    return (await db
      .selectFrom('groups')
      .select('id')
      .where('platform', '=', platform)
      .where('id', '=', v)
      .executeTakeFirst())
      ? { type: 'group', id: v }
      : null;
  if (kind === 'handle') {
    const h = normaliseExternal('handle', v);
    const a = await db
      .selectFrom('accounts')
      .select('id')
      .where('platform', '=', platform)
      .where((eb) => eb(eb.fn('lower', ['username']), '=', h))
      .executeTakeFirst();
    return a ? { type: 'account', id: a.id } : null;
  }
  if (kind === 'invite_link' || kind === 'url') {
    const target = normaliseExternal('invite_url', v);
    // Narrow by the link's path in SQL, then compare normalised forms (scheme, host case, trailing slash).
    const path = `%${target.slice(target.indexOf('/'))}%`;
    const inv = (
      await db
        .selectFrom('invites')
        .select(['link', 'group_id'])
        .where('platform', '=', platform)
        .where('link', 'like', path)
        .execute()
    ).find((r) => r.group_id && normaliseExternal('invite_url', r.link) === target);
    if (inv?.group_id) return { type: 'group', id: inv.group_id };
    const g = (
      await db
        .selectFrom('groups')
        .select(['id', 'invite_link'])
        .where('platform', '=', platform)
        .where('invite_link', 'like', path)
        .execute()
    ).find((r) => normaliseExternal('invite_url', r.invite_link!) === target);
    return g ? { type: 'group', id: g.id } : null;
  }
  if (kind === 'group_name') {
    const n = v.normalize('NFKC').trim().toLowerCase();
    const g = await db
      .selectFrom('groups')
      .select(['id', 'name'])
      .where('platform', '=', platform)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', n))
      .execute();
    return g.length === 1 ? { type: 'group', id: g[0]!.id } : null; // ambiguous names stay unresolved
  }
  if (kind === 'media_hash') {
    const h = v.toLowerCase();
    const m = await db
      .selectFrom('media')
      .select(['id', 'account_id', 'group_id'])
      .where('platform', '=', platform)
      .where((eb) => eb.or([eb('sha256', '=', h), eb('md5', '=', h), eb('pdq', '=', h)]))
      .executeTakeFirst();
    if (m?.account_id) return { type: 'account', id: m.account_id };
    if (m?.group_id) return { type: 'group', id: m.group_id };
    return null;
  }
  return null;
}

export interface Provenance {
  source: 'trusted' | 'bulk' | 'public';
  orgId: number | null;
  reporterKey: string;
  actor: string;
}

/**
 * Opens or raises the case for one subject: one open task in the `flags` queue, its priority growing with
 * the number of distinct reporters; flags about a subject Vigil has not seen get a case of their own kind.
 */
export async function upsertCase(
  trx: Kysely<Database>,
  platform: string,
  key: string,
  subject: { type: string; id: string } | null,
  clock: Clock,
): Promise<number> {
  const flags = await trx
    .selectFrom('flags')
    .select(['category', 'reporter_key', 'source'])
    .where('platform', '=', platform)
    .where('case_key', '=', key)
    .where('closed_at', 'is', null)
    .execute();
  const reporters = new Set(flags.map((f) => f.reporter_key)).size;
  const trusted = flags.some((f) => f.source !== 'public');
  const base = Math.max(...flags.map((f) => BASE_PRIORITY[f.category as Category] ?? 50));
  const priority = Math.min(99, base + (trusted ? TRUSTED_BONUS : 0) + Math.min(15, 3 * (reporters - 1)));
  const subj = subject ?? { type: 'flagged', id: key };
  const reason = `flagged by ${reporters} reporter${reporters === 1 ? '' : 's'}${trusted ? ' (trusted)' : ''}`;
  const now = iso(clock.now());
  const { itemId: taskId } = await requestReview(
    trx,
    {
      platform,
      subjectType: subj.type,
      subjectId: subj.id,
      queue: 'flags',
      priority,
      reason,
      ref: { case_key: key },
      merge: true,
      replaceReason: true,
    },
    clock,
  );
  await trx
    .updateTable('flags')
    .set({ task_id: taskId, updated_at: now })
    .where('platform', '=', platform)
    .where('case_key', '=', key)
    .where('closed_at', 'is', null)
    .execute();
  return taskId;
}

/** Stores flags in one transaction (a bulk list is all or nothing) and returns their references. */
export async function fileFlags(
  db: Kysely<Database>,
  platform: string,
  inputs: FlagInput[],
  p: Provenance,
  cfg: FlagConfig,
  clock: Clock,
): Promise<{ references: string[]; cases: number }> {
  return db.transaction().execute(async (trx) => {
    const now = clock.now();
    const references: string[] = [];
    const touched = new Map<string, { type: string; id: string } | null>();
    for (const f of inputs) {
      const key = caseKey(f.subject.kind, f.subject.value);
      if (!touched.has(key)) touched.set(key, await resolveSubject(trx, platform, f.subject.kind, f.subject.value));
      const resolved = touched.get(key)!;
      const reference = newReference();
      await trx
        .insertInto('flags')
        .values({
          reference,
          org_id: p.orgId,
          source: p.source,
          platform,
          subject_kind: f.subject.kind,
          subject_value: f.subject.value,
          case_key: key,
          resolved_type: resolved?.type ?? null,
          resolved_id: resolved?.id ?? null,
          category: f.category,
          notes: f.notes ?? null,
          evidence: toJson(f.evidence ?? {}),
          found_at_url: f.found_at_url ?? null,
          reporter_key: p.reporterKey,
          status: 'received',
          statement: null,
          task_id: null,
          deadline_at: iso(addMs(now, cfg.deadlinesHours[f.category] * 3600_000)),
          escalated_at: null,
          created_at: iso(now),
          updated_at: iso(now),
          closed_at: null,
        })
        .execute();
      references.push(reference);
      if (resolved) await flagSignal(trx, platform, resolved, reference, f, p, clock);
    }
    for (const [key, subject] of touched) await upsertCase(trx, platform, key, subject, clock);
    await appendAudit(
      trx,
      {
        actor: p.actor,
        action: 'flags.file',
        subjectType: 'flags',
        subjectId: references.length === 1 ? references[0]! : `${references.length} flags`,
        data: { source: p.source, org_id: p.orgId, count: references.length, cases: touched.size },
      },
      clock,
    );
    return { references, cases: touched.size };
  });
}

/** A flag is also a signal on its subject, for the rules engine and the case view. */
export async function flagSignal(
  trx: Kysely<Database>,
  platform: string,
  subject: { type: string; id: string },
  reference: string,
  f: Pick<FlagInput, 'category' | 'subject' | 'found_at_url'>,
  p: Pick<Provenance, 'source' | 'orgId'>,
  clock: Clock,
) {
  const org = p.orgId
    ? await trx.selectFrom('flagger_orgs').select(['name', 'kind']).where('id', '=', p.orgId).executeTakeFirst()
    : null;
  await recordSignal(
    trx,
    platform,
    {
      subjectType: subject.type,
      subjectId: subject.id,
      kind: 'flag.external',
      severity: f.category === 'csam' ? SEVERITY.high : SEVERITY.medium,
      summary: `flagged as ${f.category} by ${org ? `${org.name} (${org.kind})` : 'a member of the public'}`,
      evidence: {
        reference,
        category: f.category,
        source: p.source,
        flagger: org?.name ?? null,
        subject_kind: f.subject.kind,
        subject_value: f.subject.value,
        found_at_url: f.found_at_url ?? null,
      },
      dedupeKey: `flag:${reference}`,
    },
    clock,
  );
}
