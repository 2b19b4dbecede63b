// Rules are data: a CEL expression over { event, subject, signals, now } and an outcome.
// Expressions are parsed and planned once per version; errors carry their position.
import { celEnv, isCelError, parse, plan, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { z } from 'zod';
import { VigilError } from '../errors.ts';

export const outcomeSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('review'),
      queue: z.string().min(1).max(50),
      priority: z.number().int().min(0).max(100),
      reason: z.string().min(1).max(500),
    })
    .strict(),
  z.object({ type: z.literal('label'), label: z.string().min(1).max(100) }).strict(),
  z
    .object({
      type: z.literal('action'),
      action: z.enum(['hide_avatar', 'hide_group_avatar', 'block_username', 'revoke_invite']),
      reason: z.string().min(1).max(500),
      /** Actions still queue a review task, so a person confirms or reverts them. */
      queue: z.string().min(1).max(50).default('auto-actions'),
      priority: z.number().int().min(0).max(100).default(70),
    })
    .strict(),
]);
export type Outcome = z.infer<typeof outcomeSchema>;

const env = celEnv({ funcs: strings });
/** A node of a parsed expression. */
type Expr = NonNullable<ReturnType<typeof parse>['expr']>;

export type RuleContext = Record<string, CelInput>;
export type CompiledRule = ((ctx: RuleContext) => { matched: boolean; error?: string }) & {
  /** What must hold for the rule to yield true (derived from its parsed expression); see ruleNeeds. */
  needs?: RuleNeeds;
};

/**
 * One fact a rule can require: the event's type, the subject's type, or a signal of some kind among the subject's.
 * Facts are what an event and subject show before any CEL runs, so a rule that cannot fire is skipped without it.
 */
export type NeedAtom = { on: 'event.type' | 'subject.type' | 'signal.kind'; value: string };
/**
 * A necessary condition in conjunctive form: every clause must hold, and a clause holds when any of its atoms
 * does. No clauses: the rule may fire on anything. A clause with no atoms: the rule can never yield true.
 */
export type RuleNeeds = NeedAtom[][];

/** The facts of one evaluation (one event, one subject), to test a rule's needs against. */
export interface RuleFacts {
  eventType: string;
  subjectType: string;
  signalKinds: ReadonlySet<string>;
}

/** False only when the rule cannot yield true for these facts (its needs fail), so evaluating it can be skipped. */
export function mayFire(needs: RuleNeeds | undefined, f: RuleFacts): boolean {
  if (!needs) return true;
  for (const clause of needs) {
    let holds = false;
    for (const a of clause) {
      if (
        a.on === 'signal.kind'
          ? f.signalKinds.has(a.value)
          : (a.on === 'event.type' ? f.eventType : f.subjectType) === a.value
      ) {
        holds = true;
        break;
      }
    }
    if (!holds) return false;
  }
  return true;
}

const SAMPLE: RuleContext = {
  event: { type: 'account.created', id: 'x' },
  subject: emptySubject('account', 'x'),
  signals: [],
  now: 0,
};

/** An expression that does not compile, with the position (1-based) of the first error when known. */
const ruleSyntax = (message: string, line?: number, column?: number) =>
  new VigilError('invalid_rule', line ? `${message} (line ${line}, column ${column})` : message, { line, column });

/** Parses and plans an expression; throws invalid_rule with the position of the first error. */
export function compileRule(expression: string): CompiledRule {
  let parsed;
  try {
    parsed = parse(expression);
  } catch (e) {
    const m = /<input>:(\d+):(\d+): (.*)/s.exec((e as Error).message);
    if (m) throw ruleSyntax(m[3]!.split('\n')[0]!, Number(m[1]), Number(m[2]));
    throw ruleSyntax((e as Error).message);
  }
  const run = plan(env, parsed);
  const compiled: CompiledRule = (ctx) => {
    const r = run(ctx);
    if (isCelError(r)) return { matched: false, error: r.message };
    if (typeof r !== 'boolean') return { matched: false, error: `rule must yield a boolean, got ${typeof r}` };
    return { matched: r };
  };
  // A dry run on an empty context catches unknown functions and non-boolean results at save time.
  const r = run(SAMPLE);
  const probe = compiled(SAMPLE);
  if (probe.error && /function|overload|boolean/i.test(probe.error)) {
    // The failing call's position; a result of the wrong type points at the expression's root.
    const id = isCelError(r) && r.exprId !== undefined ? r.exprId : parsed.expr?.id;
    const at = id !== undefined ? parsed.sourceInfo?.positions[String(id)] : undefined;
    const pos = at === undefined ? undefined : lineColumn(expression, at);
    throw ruleSyntax(probe.error, pos?.line, pos?.column);
  }
  if (parsed.expr) compiled.needs = ruleNeeds(parsed.expr);
  return compiled;
}

/** Most clauses kept when an `||` multiplies them out (dropping clauses only weakens the condition: still sound). */
const MAX_CLAUSES = 16;

/**
 * A necessary condition for `e` to evaluate to true, from its syntax tree. Sound by construction: CEL's `a && b` is
 * true only when both are, `a || b` and `c ? a : b` only when one branch is, `x == 'v'` and `x in ['v', …]` only when
 * x is one of the values, and an `exists` over `signals` only when some signal satisfies its predicate. Anything
 * else (negation, functions, other comparisons) adds no clause. `scope` maps comprehension variables to what they
 * range over ('signal' for an element of the top-level `signals`, 'other' for anything else, which shadows
 * `event`, `subject` and `signals`).
 */
function ruleNeeds(e: Expr, scope: ReadonlyMap<string, 'signal' | 'other'> = new Map()): RuleNeeds {
  const k = e.exprKind;
  if (k.case === 'comprehensionExpr') {
    const c = k.value;
    const step = c.loopStep?.exprKind;
    // The `exists` macro: accumulator starts false, each step is `accu || P`, the result is the accumulator.
    const isExists =
      c.iterVar2 === '' &&
      c.accuInit?.exprKind.case === 'constExpr' &&
      c.accuInit.exprKind.value.constantKind.case === 'boolValue' &&
      c.accuInit.exprKind.value.constantKind.value === false &&
      c.result?.exprKind.case === 'identExpr' &&
      c.result.exprKind.value.name === c.accuVar &&
      step?.case === 'callExpr' &&
      step.value.function === '_||_' &&
      step.value.args.length === 2 &&
      step.value.args[0]!.exprKind.case === 'identExpr' &&
      step.value.args[0]!.exprKind.value.name === c.accuVar;
    if (!isExists || step?.case !== 'callExpr') return [];
    const range = c.iterRange?.exprKind;
    const overSignals = range?.case === 'identExpr' && range.value.name === 'signals' && !scope.has('signals');
    const inner = new Map(scope).set(c.iterVar, overSignals ? 'signal' : 'other').set(c.accuVar, 'other');
    return ruleNeeds(step.value.args[1]!, inner);
  }
  if (k.case !== 'callExpr' || k.value.target) return [];
  const { function: fn, args } = k.value;
  if (fn === '_&&_' && args.length === 2) return [...ruleNeeds(args[0]!, scope), ...ruleNeeds(args[1]!, scope)];
  if ((fn === '_||_' && args.length === 2) || (fn === '_?_:_' && args.length === 3)) {
    const [a, b] = fn === '_||_' ? [args[0]!, args[1]!] : [args[1]!, args[2]!];
    const na = ruleNeeds(a, scope);
    const nb = ruleNeeds(b, scope);
    const out: RuleNeeds = [];
    for (const ca of na) for (const cb of nb) if (out.length < MAX_CLAUSES) out.push([...ca, ...cb]);
    return out;
  }
  if (fn === '_==_' && args.length === 2) {
    for (const [x, v] of [
      [args[0]!, args[1]!],
      [args[1]!, args[0]!],
    ] as const) {
      const on = fact(x, scope);
      const value = stringConst(v);
      if (on && value !== undefined) return [[{ on, value }]];
    }
    return [];
  }
  if (fn === '@in' && args.length === 2) {
    const on = fact(args[0]!, scope);
    const list = args[1]!.exprKind;
    if (!on || list.case !== 'listExpr' || list.value.optionalIndices.length) return [];
    const values = list.value.elements.map(stringConst);
    if (values.some((v) => v === undefined)) return [];
    return [values.map((value) => ({ on, value: value! }))];
  }
  return [];
}

/** Which fact `x` reads: `event.type`, `subject.type`, or `s.kind` for `s` an element of `signals`. */
function fact(x: Expr, scope: ReadonlyMap<string, 'signal' | 'other'>): NeedAtom['on'] | undefined {
  if (x.exprKind.case !== 'selectExpr' || x.exprKind.value.testOnly) return undefined;
  const { operand, field } = x.exprKind.value;
  if (operand?.exprKind.case !== 'identExpr') return undefined;
  const name = operand.exprKind.value.name;
  const bound = scope.get(name);
  if (bound === 'signal') return field === 'kind' ? 'signal.kind' : undefined;
  if (bound) return undefined;
  if (name === 'event' && field === 'type') return 'event.type';
  if (name === 'subject' && field === 'type') return 'subject.type';
  return undefined;
}

function stringConst(x: Expr): string | undefined {
  return x.exprKind.case === 'constExpr' && x.exprKind.value.constantKind.case === 'stringValue'
    ? x.exprKind.value.constantKind.value
    : undefined;
}

/** The 1-based line and column of a character offset (CEL's source positions are offsets). */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = [...text].slice(0, offset).join('');
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** Every subject carries every field, so rules need no `has()` guards for ordinary fields. */
export function emptySubject(type: string, id: string): Record<string, CelInput> {
  return {
    type,
    id,
    username: '',
    display_name: '',
    bio: '',
    name: '',
    description: '',
    invite_link: '',
    member_count: 0,
    age_days: -1,
    event_count: 0,
    avatar_pdq: '',
    avatar_sha256: '',
    prior_actions: 0,
    active_actions: 0,
    strikes: 0,
  };
}
