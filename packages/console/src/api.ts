// The console talks to the same API as everyone else; the server enforces every permission.
let csrf = '';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
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
  if (!res.ok) throw new ApiError(res.status, data?.error?.message ?? `HTTP ${res.status}`);
  if (data?.csrf_token) csrf = data.csrf_token;
  return data as T;
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
