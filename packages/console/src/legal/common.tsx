// What the legal screens share: the shapes the legal API answers with, who may change anything (the server
// decides; auditors read only, so the screens offer them no control that changes a record), downloads of the
// sealed ZIPs, and small formatting helpers.
import { useEffect, useState } from 'react';
import { ApiError, type Staff } from '../api.ts';
import { navigate } from '../router.ts';
import './legal.css';

export interface Subject {
  platform: string;
  type: string;
  id: string;
}

export interface ReportSummary {
  id: number;
  status: ReportStatus;
  subject: Subject;
  incident_type: string;
  decision_task_id: number | null;
  case_id: number | null;
  ncmec_report_id: number | null;
  files: number;
  error: string | null;
  created_at: string;
  updated_at: string;
  filed_at: string | null;
}
export type ReportStatus = 'draft' | 'queued' | 'filed' | 'retracted' | 'failed';

export interface IpEvent {
  ipAddress: string;
  eventName?: string;
  dateTime?: string;
  possibleProxy?: boolean;
  port?: number;
}
export interface ReportedUser {
  espIdentifier?: string;
  espService?: string;
  screenName?: string;
  displayNames?: string[];
  profileUrls?: string[];
  profileBio?: string;
  ipCaptureEvents?: IpEvent[];
  groupIdentifier?: string;
  accountPermanentlyDisabled?: { disabledDate?: string; userNotified?: boolean };
  additionalInfo?: string;
}
export type Internet =
  | { kind: 'chatIm'; chatClient?: string; chatRoomName?: string; content?: string; additionalInfo?: string }
  | { kind: 'webPage'; url?: string; additionalInfo?: string };
export interface FileDetails {
  originalFileName?: string;
  uploadedToEspTimestamp?: string;
  locationOfFile?: string;
  fileViewedByEsp?: boolean;
  exifViewedByEsp?: boolean;
  publiclyAvailable?: boolean;
  fileRelevance?: 'Reported' | 'Supplemental Reported';
  originalFileHashes?: { hashType: string; value: string }[];
  additionalInfo?: string[];
}
export interface Draft {
  report: {
    incidentType: string;
    incidentDateTime: string;
    incidentDateTimeDescription?: string;
    platform?: string;
    annotations?: Record<string, boolean>;
    internetDetails?: Internet[];
    reporter: { reportingPerson: { firstName?: string; lastName?: string; emails?: string[]; phones?: string[] } };
    reportedUsers?: ReportedUser[];
    additionalInfo?: string;
  };
  files: { mediaId: string; url: string | null; details: FileDetails }[];
}
export interface FileStatus {
  media_id: string;
  name: string;
  state: 'pending' | 'uploaded' | 'described';
  ncmec_file_id: string | null;
  ncmec_md5: string | null;
  md5_matches: boolean | null;
}
export interface ReportDetail extends ReportSummary {
  draft: Draft;
  draft_sha256: string;
  xml: string;
  problems: string[];
  field_problems: { path: string; message: string }[];
  file_status: FileStatus[];
  sent_by: string | null;
  destination: string;
}

export interface VaultItem {
  id: number;
  subject: Subject;
  report_id: number | null;
  case_id: number | null;
  kind: 'media' | 'messages' | 'metadata';
  label: string;
  mime: string;
  size: number;
  sha256: string;
  created_at: string;
  expires_at: string;
  held_until: string | null;
  kept_until: string;
  expiry: 'overdue' | 'due_soon' | null;
  destroyed_at: string | null;
  destroyed_reason: string | null;
}
export interface Hold {
  id: number;
  subject: Subject;
  reason: string;
  task_id: number | null;
  placed_at: string;
  until: string;
  active: boolean;
}

export const LE_KINDS = ['preservation', 'subpoena', 'court_order', 'search_warrant', 'emergency'] as const;
export const LE_STATUSES = ['open', 'produced', 'rejected', 'withdrawn', 'expired'] as const;
export interface Production {
  at: string;
  by: string;
  items: number[];
  manifest_sha256: string;
  note?: string;
}
export interface LeRequest {
  id: number;
  kind: (typeof LE_KINDS)[number];
  agency: string;
  case_number: string;
  contact: string | null;
  received_at: string;
  due_at: string | null;
  subjects: Subject[];
  status: (typeof LE_STATUSES)[number];
  outcome: string | null;
  productions: Production[];
  preservation_until: string | null;
  renewed: boolean;
  notes: string | null;
  nondisclosure: { until: string; active: boolean } | null;
  created_at: string;
  due_state: Deadline;
  preservation_state: Deadline;
}
export type Deadline = 'overdue' | 'due_soon' | null;

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
  if (!csrf) csrf = ((await (await fetch('/v1/session', { credentials: 'same-origin' })).json()) as { csrf_token: string }).csrf_token;
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
