// Rules: loaded and compiled once per version, evaluated against an event, its subject and the subject's signals.
// Batched analysis (analyse-batch.ts) turns the matches into verdicts and review requests.
import type { Kysely } from 'kysely';
import type { CelInput } from '@bufbuild/cel';
import type { Database } from '../db/schema.ts';
import { fromJson } from '../util/json.ts';
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
      rule = {
        id: Number(r.id),
        name: r.name,
        version: r.version,
        mode: r.mode,
        outcome: outcomeSchema.parse(fromJson(r.outcome)),
        run: compileRule(r.expression),
      };
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
function signalsForRules(signals: SignalView[]): CelInput[] {
  return signals.map(celSignal);
}

export function celSafe(o: Record<string, unknown>): Record<string, CelInput> {
  const out: Record<string, CelInput> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = (
      v !== null && typeof v === 'object' && !Array.isArray(v) ? celSafe(v as Record<string, unknown>) : v
    ) as CelInput;
  }
  return out;
}

export interface Evaluation {
  rule: LoadedRule;
  matched: boolean;
  error?: string;
}

export function evaluateRules(
  rules: LoadedRule[],
  ctx: { event: unknown; subject: Record<string, CelInput>; signals: SignalView[]; now: Date },
): Evaluation[] {
  return evaluateBindings(rules, {
    event: celSafe(ctx.event as Record<string, unknown>),
    subject: ctx.subject,
    signals: signalsForRules(ctx.signals),
    now: ctx.now,
  });
}

/** evaluateRules with the event and signals already in their CEL form (a batch converts each once). */
export function evaluateBindings(
  rules: LoadedRule[],
  b: { event: Record<string, CelInput>; subject: Record<string, CelInput>; signals: CelInput[]; now: Date },
): Evaluation[] {
  const bindings = { event: b.event, subject: b.subject, signals: b.signals, now: b.now.getTime() / 1000 };
  return rules.map((rule) => ({ rule, ...rule.run(bindings as Record<string, CelInput>) }));
}
