// Rules are data: a CEL expression over { event, subject, signals, now } and an outcome.
// Expressions are parsed and planned once per version; errors carry their position.
import { celEnv, isCelError, parse, plan, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { z } from 'zod';

export const outcomeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('review'), queue: z.string().min(1).max(50), priority: z.number().int().min(0).max(100), reason: z.string().min(1).max(500) }).strict(),
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

export class RuleSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line ? `${message} (line ${line}, column ${column})` : message);
  }
}

const env = celEnv({ funcs: strings });

export type RuleContext = Record<string, CelInput>;
export type CompiledRule = (ctx: RuleContext) => { matched: boolean; error?: string };

const SAMPLE: RuleContext = {
  event: { type: 'account.created', id: 'x' },
  subject: emptySubject('account', 'x'),
  signals: [],
  now: 0,
};

/** Parses and plans an expression; throws RuleSyntaxError with the position of the first error. */
export function compileRule(expression: string): CompiledRule {
  let parsed;
  try {
    parsed = parse(expression);
  } catch (e) {
    const m = /<input>:(\d+):(\d+): (.*)/s.exec((e as Error).message);
    if (m) throw new RuleSyntaxError(m[3]!.split('\n')[0]!, Number(m[1]), Number(m[2]));
    throw new RuleSyntaxError((e as Error).message);
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
    throw new RuleSyntaxError(probe.error, pos?.line, pos?.column);
  }
  return compiled;
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
    type, id,
    username: '', display_name: '', bio: '', name: '', description: '', invite_link: '',
    member_count: 0, age_days: -1, event_count: 0, avatar_pdq: '', avatar_sha256: '', prior_actions: 0, active_actions: 0, strikes: 0,
  };
}
