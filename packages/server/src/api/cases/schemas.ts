// Shapes shared by the case routes (the OpenAPI document is generated from them).
import { z } from 'zod';
import { INCIDENT_TYPES } from '@vigil/ncmec';
import { CASE_DECISIONS, SEVERITIES } from '../../review/index.ts';
import { actionRequest } from '../../review/index.ts';

export const REVIEWERS = ['admin', 'lead', 'reviewer'] as const;
/** Who may read cases without acting on them: auditors (every read of theirs is audited, see audit/auditor-reads.ts). */
export const CASE_READERS = [...REVIEWERS, 'auditor'] as const;
export const caseParams = z.object({ id: z.coerce.number().int().positive() });

const staffRef = z.object({ id: z.number(), username: z.string() });
export const caseSummary = z.object({
  id: z.number(),
  platform: z.string(),
  subject: z.object({ type: z.string(), id: z.string(), label: z.string() }),
  queue: z.string(),
  priority: z.number(),
  severity: z.enum(SEVERITIES),
  status: z.enum(['open', 'closed']),
  opened_at: z.string(),
  updated_at: z.string(),
  claimed_by: staffRef.nullable(),
  reasons: z.array(z.object({ rule: z.string(), count: z.number() })),
});

export const caseDetail = caseSummary.extend({
  closed_at: z.string().nullable(),
  resolution: z.string().nullable(),
  claim_expires_at: z.string().nullable(),
  items: z.array(
    z.object({
      id: z.number(),
      queue: z.string(),
      priority: z.number(),
      severity: z.enum(SEVERITIES),
      reason: z.string(),
      status: z.string(),
      created_at: z.string(),
      closed_at: z.string().nullable(),
      ref: z.unknown(),
      verdicts: z.array(
        z.object({
          rule: z.object({ id: z.number(), name: z.string(), version: z.number() }),
          event_id: z.number(),
          outcome: z.unknown(),
          signal_ids: z.array(z.number()),
        }),
      ),
    }),
  ),
  log: z.array(
    z.object({
      id: z.number(),
      at: z.string(),
      actor: z.object({ kind: z.string(), id: z.string().nullable(), label: z.string() }),
      kind: z.string(),
      item_id: z.number().nullable(),
      data: z.unknown(),
    }),
  ),
  allowed: z.object({
    claim: z.boolean(),
    release: z.boolean(),
    note: z.boolean(),
    decisions: z.array(z.enum(CASE_DECISIONS)),
  }),
  // What the console ticks when apparent CSAM is chosen: the same shape as a decision's `actions`.
  default_actions: z.array(actionRequest),
  other_cases: z.array(caseSummary.extend({ closed_at: z.string().nullable(), resolution: z.string().nullable() })),
  enforcement: z.array(
    z.object({
      id: z.number(),
      action: z.string(),
      status: z.string(),
      reason: z.string(),
      created_at: z.string(),
      expires_at: z.string().nullable(),
      case_id: z.number().nullable(),
      decided_by: staffRef,
      approved_by: staffRef.nullable(),
      via: z.object({ action_id: z.number(), group_id: z.string(), group_label: z.string() }).nullable(),
    }),
  ),
});

export const decisionBody = z
  .object({
    decision: z.enum(CASE_DECISIONS),
    reason: z.string().trim().min(1, 'give a reason').max(500),
    note: z.string().max(5000).optional(),
    actions: z.array(actionRequest).max(20).optional(),
    allowlist: z.boolean().optional(),
    /** apparent_csam: the CyberTipline incident type when the case is not CSAM itself (e.g. online enticement); CSAM by default. */
    incident_type: z.enum(INCIDENT_TYPES).optional(),
  })
  .strict();
