import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from './api.ts';
import type { Body, CaseSummary } from './api/types.ts';
import { lastQueue, navigate } from './router.ts';
import { useShortcut } from './Shortcuts.tsx';

export function age(iso: string): string {
  const min = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60_000));
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return `${Math.round(min / 60)} h`;
  return `${Math.round(min / 1440)} d`;
}

// Fixed option lists: choosing one filter never shrinks another's choices.
const QUEUES = [
  'known-media',
  'groups',
  'accounts',
  'user-reports',
  'flags',
  'external',
  'escalated',
  'approvals',
  'appeals',
];
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const satisfies readonly CaseSummary['severity'][];
const SUBJECTS = ['account', 'group', 'media', 'conversation', 'flagged'];
const FILTERS = ['status', 'queue', 'severity', 'subject_type', 'assignee', 'q'] as const;
const PAGE = 50;
const BULK_DECISIONS: [string, string][] = [
  ['not_violating', 'Not violating'],
  ['policy_violation', 'Policy violation (no actions)'],
  ['escalate', 'Escalate to a lead'],
];

/** The API query for the queue's URL filters. */
function casesQuery(search: URLSearchParams, extra: Record<string, string> = {}) {
  const q = new URLSearchParams();
  for (const f of FILTERS) {
    const v = search.get(f);
    if (v) q.set(f, v);
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

/** Claims the next unclaimed case in a filter (retrying if another reviewer wins the race) and opens it. */
export async function claimNext(search: URLSearchParams): Promise<string | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = await api<Body<'/v1/cases'>>(
      'GET',
      `/v1/cases?${casesQuery(search, { status: 'open', assignee: 'none', limit: '1' })}`,
    );
    const next = r.cases[0];
    if (!next) return 'No unclaimed case is left in this filter.';
    try {
      await api('POST', `/v1/cases/${next.id}/claim`);
      navigate(`/cases/${next.id}`);
      return null;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 409) throw e;
    }
  }
  return 'Other reviewers keep taking the next cases; try again.';
}

const sevClass = (s: string) => `sev sev-${s}`;

export function Queue({ search }: { search: URLSearchParams }) {
  const [cases, setCases] = useState<CaseSummary[] | null>(null);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [bulkErrors, setBulkErrors] = useState<{ id: number; message: string }[]>([]);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [text, setText] = useState(search.get('q') ?? '');
  const [bulkDecision, setBulkDecision] = useState('not_violating');
  const [bulkReason, setBulkReason] = useState('');
  const [busy, setBusy] = useState(false);
  const searchBox = useRef<HTMLInputElement>(null);
  const key = search.toString();

  useEffect(() => {
    lastQueue.set(`/queue${key ? `?${key}` : ''}`);
  }, [key]);

  const load = useCallback(async () => {
    setError('');
    try {
      const r = await api<Body<'/v1/cases'>>('GET', `/v1/cases?${casesQuery(search, { limit: String(PAGE) })}`);
      setCases(r.cases);
      setTotal(r.total);
      setCursor(r.next_cursor);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    setSelected(new Set());
    setBulkErrors([]);
    load();
  }, [load]);

  // Back on the queue after a case: focus that case's row.
  useEffect(() => {
    const back = sessionStorage.getItem('vigil.focusCase');
    if (!cases || !back) return;
    sessionStorage.removeItem('vigil.focusCase');
    // A decided case has left the list: its place goes to the case that followed it.
    const rows = [...document.querySelectorAll<HTMLElement>('tr[data-case]')];
    const at = Number(sessionStorage.getItem('vigil.focusIndex') ?? 0);
    (rows.find((r) => r.dataset.case === back) ?? rows[Math.min(at, rows.length - 1)])?.focus();
  }, [cases]);

  const more = async () => {
    if (!cursor) return;
    const r = await api<Body<'/v1/cases'>>('GET', `/v1/cases?${casesQuery(search, { limit: String(PAGE), cursor })}`);
    setCases((c) => [...(c ?? []), ...r.cases]);
    setTotal(r.total);
    setCursor(r.next_cursor);
  };

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    navigate(`/queue${next.toString() ? `?${next}` : ''}`);
  };
  const submitSearch = (e: FormEvent) => {
    e.preventDefault();
    setFilter('q', text.trim());
  };

  const open = (id: number) => {
    sessionStorage.setItem('vigil.focusCase', String(id));
    sessionStorage.setItem('vigil.focusIndex', String(Math.max(0, cases?.findIndex((c) => c.id === id) ?? 0)));
    navigate(`/cases/${id}`);
  };
  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const bulk = async (body: Record<string, unknown>, done: string) => {
    setBusy(true);
    setNotice('');
    setBulkErrors([]);
    try {
      await api('POST', '/v1/cases/bulk', { ids: [...selected], ...body });
      setNotice(done.replace('{n}', String(selected.size)));
      setSelected(new Set());
      await load();
    } catch (e) {
      setNotice((e as Error).message);
      const details = (e as ApiError & { details?: { errors?: { id: number; message: string }[] } }).details;
      setBulkErrors(details?.errors ?? []);
    } finally {
      setBusy(false);
    }
  };

  const next = async () => {
    setNotice('');
    try {
      const msg = await claimNext(search);
      if (msg) setNotice(msg);
    } catch (e) {
      setNotice((e as Error).message);
    }
  };

  useShortcut('/', (e) => {
    e.preventDefault();
    searchBox.current?.focus();
  });
  useShortcut('n', () => void next());
  const move = (d: number) => {
    const rows = [...document.querySelectorAll<HTMLElement>('tr[data-case]')];
    const i = rows.indexOf(document.activeElement as HTMLElement);
    rows[Math.max(0, Math.min(rows.length - 1, i < 0 ? 0 : i + d))]?.focus();
  };
  useShortcut('j', () => move(1));
  useShortcut('k', () => move(-1));
  useShortcut('x', () => {
    const id = Number((document.activeElement as HTMLElement | null)?.dataset.case);
    if (id) toggle(id);
  });

  const allOnPage = !!cases?.length && cases.every((c) => selected.has(c.id));
  const status = search.get('status') ?? 'open';
  return (
    <main className="queue">
      <h1 className="visually-hidden">Review queue</h1>
      <form className="search" role="search" onSubmit={submitSearch}>
        <label htmlFor="q">Search cases</label>
        <input
          id="q"
          ref={searchBox}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoFocus
          aria-describedby="q-help"
        />
        <button type="submit">Search</button>
        <span id="q-help" className="muted">
          Subject ids, usernames, display and group names, or a case number (#12). Press / to search.
        </span>
      </form>
      <div className="filters">
        <Filter
          label="Status"
          name="status"
          value={status === 'open' ? '' : status}
          options={[
            ['', 'Open'],
            ['closed', 'Closed'],
            ['all', 'All'],
          ]}
          onChange={setFilter}
        />
        <Filter
          label="Queue"
          name="queue"
          value={search.get('queue') ?? ''}
          options={[['', 'All queues'], ...QUEUES.map((q) => [q, q] as [string, string])]}
          onChange={setFilter}
        />
        <Filter
          label="Severity"
          name="severity"
          value={search.get('severity') ?? ''}
          options={[['', 'Any severity'], ...SEVERITIES.map((s) => [s, s] as [string, string])]}
          onChange={setFilter}
        />
        <Filter
          label="Subject"
          name="subject_type"
          value={search.get('subject_type') ?? ''}
          options={[['', 'Any subject'], ...SUBJECTS.map((s) => [s, s] as [string, string])]}
          onChange={setFilter}
        />
        <Filter
          label="Assigned"
          name="assignee"
          value={search.get('assignee') ?? ''}
          options={[
            ['', 'Anyone'],
            ['me', 'Me'],
            ['none', 'Unclaimed'],
          ]}
          onChange={setFilter}
        />
        <button onClick={next} className="primary" title="Claim the next unclaimed case in this filter (n)">
          Next case
        </button>
      </div>
      <p className="count" role="status" aria-live="polite">
        {cases
          ? `${total.toLocaleString()} ${status === 'all' ? '' : `${status} `}case${total === 1 ? '' : 's'}${cases.length < total ? `, showing ${cases.length}` : ''}`
          : 'Loading cases…'}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {bulkErrors.length > 0 && (
        <ul className="error-list">
          {bulkErrors.map((b) => (
            <li key={b.id}>
              Case {b.id}: {b.message}.
            </li>
          ))}
        </ul>
      )}
      {selected.size > 0 && (
        <div className="bulk" role="region" aria-label="Bulk actions">
          <strong>{selected.size} selected</strong>
          <button disabled={busy} onClick={() => bulk({ claim: true }, 'Claimed {n} cases.')}>
            Claim
          </button>
          <button disabled={busy} onClick={() => bulk({ release: true }, 'Released {n} cases.')}>
            Release
          </button>
          <form
            className="bulk-decide"
            onSubmit={(e) => {
              e.preventDefault();
              void bulk({ decision: bulkDecision, reason: bulkReason }, 'Decided {n} cases.');
            }}
          >
            <label>
              Decision{' '}
              <select value={bulkDecision} onChange={(e) => setBulkDecision(e.target.value)}>
                {BULK_DECISIONS.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Reason <input value={bulkReason} onChange={(e) => setBulkReason(e.target.value)} required />
            </label>
            <button type="submit" disabled={busy}>
              Decide {selected.size}
            </button>
          </form>
          <button className="ghost-dark" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}
      {cases && (
        <table className="cases">
          <caption className="visually-hidden">Cases, highest priority first</caption>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select every case on this page"
                  checked={allOnPage}
                  onChange={() =>
                    setSelected(allOnPage ? new Set() : new Set([...selected, ...cases.map((c) => c.id)]))
                  }
                />
              </th>
              <th scope="col">Severity</th>
              <th scope="col">Subject</th>
              <th scope="col">Why</th>
              <th scope="col">Queue</th>
              <th scope="col">Age</th>
              <th scope="col">Reviewer</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr
                key={c.id}
                data-case={c.id}
                tabIndex={0}
                aria-label={`Case ${c.id}: ${c.subject.label}, ${c.severity}`}
                onClick={(e) => {
                  if (!(e.target as HTMLElement).closest('input,a')) open(c.id);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && e.target === e.currentTarget) open(c.id);
                }}
              >
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select case ${c.id}`}
                    checked={selected.has(c.id)}
                    onChange={() => toggle(c.id)}
                  />
                </td>
                <td>
                  <span className={sevClass(c.severity)}>{c.severity}</span>
                </td>
                <td>
                  <a
                    href={`/console/cases/${c.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      open(c.id);
                    }}
                    title={`${c.subject.type} ${c.subject.id} · case ${c.id}`}
                  >
                    {c.subject.label}
                  </a>
                  <span className="muted small"> {c.subject.type}</span>
                </td>
                <td className="why">
                  {c.reasons
                    .slice(0, 3)
                    .map((r) => `${r.rule}${r.count > 1 ? ` ×${r.count}` : ''}`)
                    .join(' · ')}
                  {c.reasons.length > 3 ? ` · +${c.reasons.length - 3}` : ''}
                </td>
                <td>{c.queue}</td>
                <td>{age(c.opened_at)}</td>
                <td>{c.claimed_by?.username ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cases && cases.length === 0 && <p className="muted">No case matches these filters.</p>}
      {cursor && (
        <button className="more" onClick={more}>
          Show {Math.min(PAGE, total - (cases?.length ?? 0))} more of {total - (cases?.length ?? 0)}
        </button>
      )}
    </main>
  );
}

function Filter({
  label,
  name,
  value,
  options,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  options: [string, string][];
  onChange: (name: string, v: string) => void;
}) {
  return (
    <label>
      {label}{' '}
      <select name={name} value={value} onChange={(e) => onChange(name, e.target.value)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}
