// Rules as versioned, audited data. Saving validates the expression (with its error position) and
// the outcome; every save writes a new version, so each verdict points at the exact rule that made it.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { fromJson, toJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { compileRule, outcomeSchema } from './rule-language.ts';
import { isVigilError, VigilError } from '../errors.ts';

export const ruleInput = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,79}$/, 'lower-case letters, digits, dot, dash, underscore'),
    description: z.string().max(1000).optional(),
    expression: z.string().min(1).max(10_000),
    outcome: outcomeSchema,
    mode: z.enum(['active', 'shadow']).default('active'),
    enabled: z.boolean().default(true),
  })
  .strict();
export type RuleInput = z.input<typeof ruleInput>;

export async function saveRule(db: Kysely<Database>, raw: RuleInput, actor: string, clock: Clock, expectNew?: boolean) {
  const parsed = ruleInput.safeParse(raw);
  if (!parsed.success)
    throw new VigilError(
      'invalid_rule',
      `invalid rule: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const r = parsed.data;
  try {
    compileRule(r.expression);
  } catch (e) {
    // A syntax error carries its position ({ line, column }) as details.
    throw new VigilError(
      'invalid_rule',
      `invalid expression: ${(e as Error).message}`,
      isVigilError(e, 'invalid_rule') ? e.details : { line: undefined, column: undefined },
    );
  }
  const now = iso(clock.now());
  return db.transaction().execute(async (trx) => {
    const cur = await trx.selectFrom('rules').selectAll().where('name', '=', r.name).executeTakeFirst();
    if (cur && expectNew) throw new VigilError('conflict', `a rule named "${r.name}" exists; update it instead`);
    const version = cur ? cur.version + 1 : 1;
    const fields = {
      description: r.description ?? null,
      version,
      expression: r.expression,
      outcome: toJson(r.outcome),
      mode: r.mode,
      enabled: r.enabled ? 1 : 0,
      updated_at: now,
    };
    let id: number;
    if (cur) {
      id = Number(cur.id);
      await trx.updateTable('rules').set(fields).where('id', '=', id).execute();
    } else {
      id = Number(
        (
          await trx
            .insertInto('rules')
            .values({ name: r.name, ...fields })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
      );
    }
    await trx
      .insertInto('rule_versions')
      .values({
        rule_id: id,
        version,
        expression: r.expression,
        outcome: toJson(r.outcome),
        mode: r.mode,
        created_by: actor,
        created_at: now,
      })
      .execute();
    await appendAudit(
      trx,
      {
        actor,
        action: cur ? 'rule.update' : 'rule.create',
        subjectType: 'rule',
        subjectId: String(id),
        data: { name: r.name, version, mode: r.mode, enabled: r.enabled, expression: r.expression, outcome: r.outcome },
      },
      clock,
    );
    return { id, name: r.name, version };
  });
}

export async function listRules(db: Kysely<Database>) {
  const rows = await db.selectFrom('rules').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    description: r.description,
    version: r.version,
    expression: r.expression,
    outcome: fromJson(r.outcome),
    mode: r.mode,
    enabled: !!r.enabled,
    updated_at: r.updated_at,
  }));
}

/** The child-safety rule pack every new installation starts with. */
export const DEFAULT_RULES: RuleInput[] = [
  {
    name: 'listed-media',
    description: 'A photo or avatar matches a hash bank of known abuse imagery.',
    expression: "signals.exists(s, s.kind == 'media.match')",
    outcome: { type: 'review', queue: 'known-media', priority: 100, reason: 'matches a listed hash' },
  },
  {
    name: 'private-match',
    description:
      'An account crossed the private-matching threshold: its matched encrypted attachments can be opened for review.',
    expression: "signals.exists(s, s.kind == 'voucher.match')",
    outcome: {
      type: 'review',
      queue: 'known-media',
      priority: 100,
      reason: 'private matching: listed attachments reached the threshold',
    },
  },
  {
    name: 'coded-terms-public-group',
    description: 'Coded terms in a group name or description, and the group has a public invite link.',
    expression:
      "subject.type == 'group' && subject.invite_link != '' && signals.exists(s, s.kind == 'text.term' && (s.surface == 'group_name' || s.surface == 'group_description'))",
    outcome: {
      type: 'review',
      queue: 'groups',
      priority: 80,
      reason: 'coded terms on a group with a public invite link',
    },
  },
  {
    name: 'coded-terms-account',
    description: 'Coded terms in a username, display name or bio.',
    expression: "subject.type == 'account' && signals.exists(s, s.kind == 'text.term')",
    outcome: { type: 'review', queue: 'accounts', priority: 60, reason: 'coded terms on an account profile' },
  },
  {
    name: 'invite-spread',
    description: 'A group fills up quickly through one invite link.',
    expression: "signals.exists(s, s.kind == 'behaviour.invite_spread' && s.severity >= 3)",
    outcome: {
      type: 'review',
      queue: 'groups',
      priority: 70,
      reason: 'rapid joins through one invite link, mostly new accounts',
    },
  },
  {
    name: 'external-list-match',
    description: 'A handle, invite link or hash seen advertised elsewhere (external list).',
    expression: "signals.exists(s, s.kind == 'external.match')",
    outcome: { type: 'review', queue: 'external', priority: 50, reason: 'listed by an external source' },
  },
  {
    name: 'user-reports',
    description: 'Reported for child safety by users.',
    expression: "signals.exists(s, s.kind == 'report.user' && s.reason == 'child_safety')",
    outcome: { type: 'review', queue: 'user-reports', priority: 75, reason: 'user report: child safety' },
  },
];

/** Installs the default pack on a database without rules (never overwrites an analyst's rules). */
export async function ensureDefaultRules(db: Kysely<Database>, clock: Clock): Promise<number> {
  const any = await db.selectFrom('rules').select('id').limit(1).executeTakeFirst();
  if (any) return 0;
  for (const r of DEFAULT_RULES) await saveRule(db, r, 'system:default-rules', clock);
  return DEFAULT_RULES.length;
}
