// What the legal screens share: the shapes the legal API answers with, who may change anything (the server
// decides; auditors read only, so the screens offer them no control that changes a record), downloads of the
// sealed ZIPs, and small formatting helpers.
import { useEffect, useState } from 'react';
import { ApiError } from '../api.ts';
import type { Hold, LeRequest, ReportDetail, ReportSummary, Staff, VaultItem } from '../api/types.ts';
import { navigate } from '../router.ts';
import './legal.css';

// The shapes come from the server's OpenAPI document (../api/types.ts); the draft is NCMEC's report model.
export type { Hold, LeRequest, ReportDetail, ReportSummary, VaultItem };
export type Subject = ReportSummary['subject'];
export type ReportStatus = ReportSummary['status'];
export type Draft = ReportDetail['draft'];
export type ReportedUser = NonNullable<Draft['report']['reportedUsers']>[number];
export type IpEvent = NonNullable<ReportedUser['ipCaptureEvents']>[number];
export type FileDetails = Draft['files'][number]['details'];
export type Deadline = LeRequest['due_state'];

export const LE_KINDS = [
  'preservation',
  'subpoena',
  'court_order',
  'search_warrant',
  'emergency',
] as const satisfies readonly LeRequest['kind'][];
export const LE_STATUSES = [
  'open',
  'produced',
  'rejected',
  'withdrawn',
  'expired',
] as const satisfies readonly LeRequest['status'][];

/** Legal and admin change records; auditors (and anyone else who can read) only read. */
export const mayChange = (staff: Staff) => staff.role === 'legal' || staff.role === 'admin';

export const PAGE = 50;

export const STATUS_LABELS: Record<ReportStatus, string> = {
  draft: 'Draft',
  queued: 'Queued for filing',
  filed: 'Filed',
  retracted: 'Retracted',
  failed: 'Failed',
};
export const KIND_LABELS: Record<string, string> = {
  preservation: 'Preservation (2703(f))',
  subpoena: 'Subpoena',
  court_order: 'Court order',
  search_warrant: 'Search warrant',
  emergency: 'Emergency disclosure',
};
export const subjectLabel = (s: Subject) => `${s.type} ${s.id}${s.platform !== 'default' ? ` (${s.platform})` : ''}`;

/** A deadline said in words and marked with the shared `.overdue` / `.due-soon` classes. */
export function DeadlineMark({ at, state, what }: { at: string | null; state: Deadline; what: string }) {
  if (!at) return <span className="muted">None</span>;
  const text = `${at.slice(0, 16).replace('T', ' ')}`;
  if (state === 'overdue')
    return (
      <span className="overdue">
        {text} <span className="badge-text">({what} passed)</span>
      </span>
    );
  if (state === 'due_soon')
    return (
      <span className="due-soon">
        {text} <span className="badge-text">(soon)</span>
      </span>
    );
  return <span>{text}</span>;
}

/** `?page=` in the URL, so paging has history. */
export function usePage(search: URLSearchParams): [number, (p: number) => void] {
  const page = Math.max(0, Number(search.get('page') ?? 0) || 0);
  const set = (p: number) => {
    const q = new URLSearchParams(search);
    if (p) q.set('page', String(p));
    else q.delete('page');
    const s = q.toString();
    navigate(`${location.pathname.replace(/^\/console/, '')}${s ? `?${s}` : ''}`);
  };
  return [page, set];
}

let csrf = '';
/** POSTs and saves the answer as a file (the vault's sealed ZIPs); errors come back as sentences. */
export async function downloadPost(path: string, body: unknown, fallbackName: string): Promise<string> {
  if (!csrf)
    csrf = ((await (await fetch('/v1/session', { credentials: 'same-origin' })).json()) as { csrf_token: string })
      .csrf_token;
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as { error?: { message?: string; details?: unknown } };
    const m = e.error?.message ?? `HTTP ${res.status}`;
    throw new ApiError(res.status, m.charAt(0).toUpperCase() + m.slice(1), e.error?.details);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  return name;
}

/** Re-runs `f` every `ms` while `on` (a report being filed updates itself). */
export function usePoll(on: boolean, f: () => void, ms = 2000) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const t = setTimeout(() => {
      f();
      setTick((n) => n + 1);
    }, ms);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [on, tick]);
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
