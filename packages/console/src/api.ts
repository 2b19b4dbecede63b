// The console talks to the same API as everyone else; the server enforces every permission.
let csrf = '';

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly details?: unknown) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(method !== 'GET' ? { 'x-csrf-token': csrf } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : {};
  // A session that ended mid-work: back to the sign-in form, on the same URL, so signing in resumes the view.
  if (res.status === 401 && path !== '/v1/session') window.dispatchEvent(new Event('vigil:unauthenticated'));
  if (!res.ok) throw new ApiError(res.status, sentence(res.status, data?.error), data?.error?.details);
  if (data?.csrf_token) csrf = data.csrf_token;
  return data as T;
}

/** Server errors as sentences a reviewer can act on (validation details are rewritten, not shown raw). */
function sentence(status: number, e: { code?: string; message?: string; details?: unknown } | undefined): string {
  if (status === 401 && e?.code !== 'invalid_credentials') return 'Your session has ended. Sign in again.';
  if (status === 403 && e?.code !== 'forbidden') return e?.message ? capitalise(e.message) : 'You are not allowed to do that.';
  if (e?.code === 'invalid_request' && Array.isArray(e.details)) {
    const parts = (e.details as { path: string; message: string }[]).map((d) => (d.path === 'reason' ? 'Give a reason.' : d.path === 'text' ? 'Write the note first.' : `Check ${d.path.replace(/_/g, ' ')}: ${d.message}.`));
    return [...new Set(parts)].join(' ');
  }
  if (!e?.message) return `The server could not do that (HTTP ${status}). Try again.`;
  return capitalise(e.message.endsWith('.') ? e.message : `${e.message}.`);
}
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export interface StaffRef { id: number; username: string }
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export interface CaseSummary {
  id: number; platform: string; subject: { type: string; id: string; label: string }; queue: string; priority: number; severity: Severity;
  status: 'open' | 'closed'; opened_at: string; updated_at: string; claimed_by: StaffRef | null; reasons: { rule: string; count: number }[];
}
export interface CaseItem { id: number; queue: string; priority: number; severity: Severity; reason: string; status: string; created_at: string; closed_at: string | null; ref: Record<string, unknown> | null; verdicts: { rule: { id: number; name: string; version: number }; event_id: number; signal_ids: number[] }[] }
export interface CaseLogEntry { id: number; at: string; actor: { kind: string; id: string | null; label: string }; kind: string; item_id: number | null; data: Record<string, unknown> }
export interface EnforcementEntry { id: number; action: string; status: string; reason: string; created_at: string; expires_at: string | null; case_id: number | null; decided_by: StaffRef; approved_by: StaffRef | null; via: { action_id: number; group_id: string; group_label: string } | null }
export interface CaseDetail extends CaseSummary {
  closed_at: string | null; resolution: string | null; claim_expires_at: string | null;
  items: CaseItem[]; log: CaseLogEntry[];
  allowed: { claim: boolean; release: boolean; note: boolean; decisions: string[] };
  default_actions: { action: string }[];
  other_cases: (CaseSummary & { closed_at: string | null; resolution: string | null })[];
  enforcement: EnforcementEntry[];
}

export interface Staff { id: number; username: string; role: string }
export interface Verdict { rule_id: number; rule_version: number; event_id: number; outcome: { type: string; reason?: string; queue?: string }; signal_ids: number[] }
export interface Task {
  id: number; platform: string; subject_type: string; subject_id: string; queue: string; priority: number; reason: string;
  status: string; created_at: string; claimed_by: number | null; claim_expires_at: string | null; verdicts: Verdict[];
}
export interface Signal { id: number; kind: string; severity: number; summary: string; event_id: number | null; evidence: Record<string, unknown> }
export interface TimelineEvent { seq: number; type: string; occurred_at: string; event: Record<string, unknown> }
export interface Rule { id: number; name: string; version: number }
