// What other modules do when review acts. Review records a decision, its enforcement and its webhook in the
// decision's own transaction, then enqueues one `decision.recorded` job per subscriber; banks, legal and flags each
// handle it in their own module and their own transaction (a job's effects commit with its completion, so each runs
// once). Review knows only the subscribers' names: it imports none of them, and one failing subscriber retries alone
// without undoing the decision or the others. A claim does the same for the modules that follow claims.
import type { Kysely } from 'kysely';
import type { IncidentType } from '@vigil/ncmec';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../util/time.ts';
import { enqueue } from '../queue/jobs.ts';
import type { Subject } from './task-store.ts';

/** Who handles `decision.recorded`: the hash banks, legal (report draft, hold), outside flags (statements of reasons). */
export const DECISION_SUBSCRIBERS = ['banks', 'legal', 'flags'] as const;
/** Who handles `case.claimed`: flags (their reporters see "under review"). */
export const CLAIM_SUBSCRIBERS = ['flags'] as const;
export type DecisionSubscriber = (typeof DECISION_SUBSCRIBERS)[number];
export type ClaimSubscriber = (typeof CLAIM_SUBSCRIBERS)[number];

/** The job payload: everything a subscriber needs, so it reads nothing of review's tables. */
export interface DecisionRecorded {
  subscriber: DecisionSubscriber;
  case_id: number;
  /** The review items the decision closed (the first is the decision's reference in banks, reports and audit). */
  item_ids: number[];
  decision: 'apparent_csam' | 'not_violating' | 'policy_violation';
  reason: string;
  decided_by: number;
  decided_at: string;
  subject: Subject;
  /** not_violating: the subject's matched hashes are a known false positive. */
  allowlist: boolean;
  /** apparent_csam: the report's incident type when it is not CSAM itself. */
  incident_type: IncidentType | null;
}

export interface CaseClaimed {
  subscriber: ClaimSubscriber;
  case_id: number;
  item_ids: number[];
  claimed_by: number;
}

export async function decisionRecorded(
  trx: Kysely<Database>,
  e: Omit<DecisionRecorded, 'subscriber'>,
  clock: Clock,
): Promise<void> {
  await enqueue(
    trx,
    DECISION_SUBSCRIBERS.map((subscriber) => ({
      kind: 'decision.recorded',
      payload: { ...e, subscriber } satisfies DecisionRecorded,
    })),
    clock,
  );
}

export async function caseClaimed(
  trx: Kysely<Database>,
  e: Omit<CaseClaimed, 'subscriber'>,
  clock: Clock,
): Promise<void> {
  if (!e.item_ids.length) return;
  await enqueue(
    trx,
    CLAIM_SUBSCRIBERS.map((subscriber) => ({
      kind: 'case.claimed',
      payload: { ...e, subscriber } satisfies CaseClaimed,
    })),
    clock,
  );
}

/**
 * One job kind, many subscribers: the handler for `decision.recorded` (or `case.claimed`) runs the subscriber the
 * payload names. Wired by the service from each module's handler; a name without a handler fails the job loudly.
 */
export function bySubscriber<P extends { subscriber: string }>(
  handlers: Record<P['subscriber'], (trx: Kysely<Database>, p: P, clock: Clock) => Promise<void>>,
) {
  return async (payload: P, ctx: { trx: Kysely<Database>; clock: Clock }) => {
    const h = (handlers as Record<string, (trx: Kysely<Database>, p: P, clock: Clock) => Promise<void>>)[
      payload.subscriber
    ];
    if (!h) throw new Error(`no handler for subscriber "${payload.subscriber}"`);
    await h(ctx.trx, payload, ctx.clock);
  };
}
