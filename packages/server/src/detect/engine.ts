// Rules → verdicts → case items. Runs inside the analysis job's transaction, so a verdict, its task
// and the signals it cites commit together, once per (rule version, event).
import type { Kysely } from 'kysely';
import type { CelInput } from '@bufbuild/cel';
import type { Database } from '../db/schema.ts';
import { toJson, fromJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { emitWebhook } from '../webhooks/outbox.ts';
import { requestReview } from '../review/index.ts';
import { compileRule, outcomeSchema, type CompiledRule, type Outcome } from './rule-language.ts';
import type { SignalView } from './signals.ts';

export interface LoadedRule {
  id: number;
  name: string;
  version: number;
  mode: 'active' | 'shadow';
  outcome: Outcome;
  run: CompiledRule;
}

const compiled = new Map<string, LoadedRule>();

/**
 * Enabled rules, compiled (expression planned, outcome validated) once per version. The key holds the expression
 * and outcome too, so processes that see several databases (tests, tools) never mix up two rules with one id.
 */
export async function loadRules(db: Kysely<Database>): Promise<LoadedRule[]> {
  const rows = await db.selectFrom('rules').selectAll().where('enabled', '=', 1).orderBy('id').execute();
  return rows.map((r) => {
    const key = `${r.id}@${r.version}@${r.mode}\u0000${r.name}\u0000${r.expression}\u0000${r.outcome}`;
    let rule = compiled.get(key);
    if (!rule) {
      rule = { id: Number(r.id), name: r.name, version: r.version, mode: r.mode, outcome: outcomeSchema.parse(fromJson(r.outcome)), run: compileRule(r.expression) };
      if (compiled.size > 10_000) compiled.clear();
      compiled.set(key, rule);
    }
    return rule;
  });
}

/** One signal as a rule sees it: kind, severity, summary and every evidence field at top level. */
export function celSignal(s: SignalView): CelInput {
  return { ...celSafe(s.evidence), kind: s.kind, severity: s.severity, summary: s.summary, id: s.id };
}

/** The `signals` list a rule sees. */
export function signalsForRules(signals: SignalView[]): CelInput[] {
  return signals.map(celSignal);
}

export function celSafe(o: Record<string, unknown>): Record<string, CelInput> {
  const out: Record<string, CelInput> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = (v !== null && typeof v === 'object' && !Array.isArray(v) ? celSafe(v as Record<string, unknown>) : v) as CelInput;
  }
  return out;
}

export interface Evaluation {
  rule: LoadedRule;
  matched: boolean;
  error?: string;
}

export function evaluateRules(rules: LoadedRule[], ctx: { event: unknown; subject: Record<string, CelInput>; signals: SignalView[]; now: Date }): Evaluation[] {
  return evaluateBindings(rules, { event: celSafe(ctx.event as Record<string, unknown>), subject: ctx.subject, signals: signalsForRules(ctx.signals), now: ctx.now });
}

/** evaluateRules with the event and signals already in their CEL form (a batch converts each once). */
export function evaluateBindings(rules: LoadedRule[], b: { event: Record<string, CelInput>; subject: Record<string, CelInput>; signals: CelInput[]; now: Date }): Evaluation[] {
  const bindings = { event: b.event, subject: b.subject, signals: b.signals, now: b.now.getTime() / 1000 };
  return rules.map((rule) => ({ rule, ...rule.run(bindings as Record<string, CelInput>) }));
}

/** Records a verdict and, for active rules, adds it to the subject's case (opening or raising its item). */
export async function recordVerdict(
  trx: Kysely<Database>,
  o: { platform: string; subjectType: string; subjectId: string; eventId: number; rule: LoadedRule; signalIds: number[]; clock: Clock },
): Promise<void> {
  const now = iso(o.clock.now());
  const shadow = o.rule.mode === 'shadow';
  const existing = await trx.selectFrom('verdicts').select('id').where('rule_id', '=', o.rule.id).where('rule_version', '=', o.rule.version).where('event_id', '=', o.eventId).executeTakeFirst();
  if (existing) return;
  let taskId: number | null = null;
  const out = o.rule.outcome;
  if (!shadow && (out.type === 'review' || out.type === 'action')) {
    // The subject's case gathers every rule's verdicts: one open item per queue, raised by later verdicts.
    taskId = (await requestReview(trx, {
      platform: o.platform, subjectType: o.subjectType, subjectId: o.subjectId, queue: out.queue, priority: out.priority, reason: out.reason, merge: true,
      log: { kind: 'verdict', data: { rule: o.rule.name, rule_id: o.rule.id, rule_version: o.rule.version, event_id: o.eventId, signal_ids: o.signalIds, reason: out.reason } },
    }, o.clock)).itemId;
  }
  await trx
    .insertInto('verdicts')
    .values({ platform: o.platform, subject_type: o.subjectType, subject_id: o.subjectId, rule_id: o.rule.id, rule_version: o.rule.version, event_id: o.eventId, outcome: toJson(out), shadow: shadow ? 1 : 0, signal_ids: toJson(o.signalIds), task_id: taskId, created_at: now })
    .execute();
  if (!shadow && out.type === 'action') {
    await emitWebhook(trx, 'action.requested', { action: out.action, reason: out.reason, subject: { type: o.subjectType, id: o.subjectId, platform: o.platform }, rule: { id: o.rule.id, name: o.rule.name, version: o.rule.version }, task_id: taskId }, o.clock);
  }
}
