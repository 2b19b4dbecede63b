import { z } from 'zod';
import { VigilError } from '../../errors.ts';
import { parseCsvRows } from '../../util/csv.ts';
import type { Principal } from '../../auth/roles.ts';

/** Parses a CSV with a header: subject_kind,subject_value,category[,notes][,found_at_url] (quotes allowed). */
export function parseFlagCsv(text: string): unknown[] {
  const rows = parseCsvRows(text);
  const [header, ...data] = rows;
  const cols = (header ?? []).map((h) => h.trim().toLowerCase());
  for (const need of ['subject_kind', 'subject_value', 'category'])
    if (!cols.includes(need)) throw new VigilError('invalid_csv', `the CSV header needs a "${need}" column`);
  return data.map((r) => {
    const get = (k: string) => (cols.indexOf(k) >= 0 ? r[cols.indexOf(k)]?.trim() || undefined : undefined);
    return {
      subject: { kind: get('subject_kind'), value: get('subject_value') },
      category: get('category'),
      ...(get('notes') ? { notes: get('notes') } : {}),
      ...(get('found_at_url') ? { found_at_url: get('found_at_url') } : {}),
    };
  });
}

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
label{display:block;margin:.8rem 0 .3rem}input,select,textarea{font:inherit;width:100%;padding:.4rem;box-sizing:border-box}
button{font:inherit;margin-top:1rem;padding:.5rem 1rem;background:#2f5fd0;color:#fff;border:0;border-radius:4px}
.note{background:#fff4d6;padding:.6rem;border-radius:4px}.error{color:#b00020}code{font-size:1.2em}
</style></head><body>${body}</body></html>`;
}

export const flagView = z.object({
  reference: z.string(),
  status: z.string(),
  statement: z.string().nullable(),
  category: z.string(),
  subject: z.object({ kind: z.string(), value: z.string() }),
  resolved: z.object({ type: z.string(), id: z.string() }).nullable(),
  created_at: z.string(),
  deadline_at: z.string(),
  escalated: z.boolean(),
  closed_at: z.string().nullable(),
});

export function toView(f: {
  reference: string;
  status: string;
  statement: string | null;
  category: string;
  subject_kind: string;
  subject_value: string;
  resolved_type: string | null;
  resolved_id: string | null;
  created_at: string;
  deadline_at: string;
  escalated_at: string | null;
  closed_at: string | null;
}) {
  return {
    reference: f.reference,
    status: f.status,
    statement: f.statement,
    category: f.category,
    subject: { kind: f.subject_kind, value: f.subject_value },
    resolved: f.resolved_type && f.resolved_id ? { type: f.resolved_type, id: f.resolved_id } : null,
    created_at: f.created_at,
    deadline_at: f.deadline_at,
    escalated: !!f.escalated_at,
    closed_at: f.closed_at,
  };
}

/** A flagger's key reaches only its own organisation's flags; leads and admins see all. */
// Any Kysely select over `flags` (their generic types differ by the columns chosen); only `where` is used.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function scoped<Q extends { where: (...a: any[]) => Q }>(q: Q, p: Principal | null): Q {
  return p?.kind === 'key' ? q.where('org_id', '=', p.orgId ?? -1) : q;
}
