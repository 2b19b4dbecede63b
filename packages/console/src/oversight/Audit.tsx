// The audit log: searched by actor, action, subject and time (the filters live in the URL, so Back and shared
// links keep them), paged newest first, each entry's details on request, and the hash chain's state as the
// server verified it.
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import type { AuditEntry, AuditPage, AuditVerification } from '../api/types.ts';
import { navigate } from '../router.ts';
import { Dialog, Field, fieldErrors, Notice, Page, Pager, Status, useLoad, when } from '../ui.tsx';
import { readable } from './labels.ts';

type Entry = AuditEntry;
/** A page of the log, or the fields a refused search was refused at (UI state around the API's page). */
type Found = AuditPage & { invalid?: Record<string, string>; key?: string };

const FILTERS = ['actor', 'action', 'subject_type', 'subject_id', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];
const PAGE = 50;
const PROBLEM: Record<string, string> = {
  edited: 'its contents do not match its hash (edited)',
  missing: 'entries are missing',
  chain_broken: 'it does not link to the entry before it',
  head_mismatch: 'the log ends before the last entry recorded',
};

export function AuditScreen({ search }: { search: URLSearchParams }) {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, search.get(f) ?? ''])) as Record<Filter, string>;
  const before = search.get('before') ?? '';
  const key = search.toString();
  // Cursors of the pages before this one, so Previous goes back the way Next came.
  const [trail, setTrail] = useState<string[]>([]);
  const loaded = useLoad(() => {
    const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    q.set('limit', String(PAGE));
    if (before) q.set('before', before);
    // A refused search (a typed-in URL with a bad date) is about a field: said there, not as a banner.
    return api<AuditPage>('GET', `/v1/audit?${q}`).then(
      (r): Found => ({ ...r, key }),
      (e): Found => {
        if (e instanceof ApiError && e.status === 400 && Object.keys(fieldErrors(e)).length)
          return { entries: [], next_before: null, invalid: sentences(fieldErrors(e)), key };
        throw e;
      },
    );
  }, [key]);
  const [open, setOpen] = useState<Entry | null>(null);
  // Results of an earlier search are not shown under the new one's filters while it loads.
  const current = loaded.data?.key === key ? loaded.data : undefined;
  const errors = current?.invalid ?? {};
  const entries = current?.entries ?? [];

  const go = (f: Record<Filter, string>, cursor = '', keepTrail?: string[]) => {
    const q = new URLSearchParams(
      Object.entries(f)
        .filter(([, v]) => v.trim())
        .map(([k, v]) => [k, v.trim()]),
    );
    if (cursor) q.set('before', cursor);
    setTrail(keepTrail ?? []);
    navigate(`/admin/audit${q.size ? `?${q}` : ''}`);
  };
  const filtered = FILTERS.some((f) => filters[f]);

  return (
    <Page title="Audit log">
      <ChainStatus />
      <AuditSearch
        key={key}
        initial={filters}
        errors={errors}
        onSearch={(f) => go(f)}
        onClear={() => go({ actor: '', action: '', subject_type: '', subject_id: '', from: '', to: '' })}
      />
      {!Object.keys(errors).length && (
        <Status
          loaded={loaded}
          empty={
            current && !entries.length
              ? filtered
                ? 'No entries match these filters.'
                : 'The audit log is empty.'
              : false
          }
        />
      )}
      {loaded.data && !current && !loaded.error && (
        <p className="muted" role="status">
          Searching…
        </p>
      )}
      {entries.length > 0 && (
        <>
          <p className="count" aria-live="polite">
            Entries {entries[0]!.seq.toLocaleString()} to {entries[entries.length - 1]!.seq.toLocaleString()}, newest
            first{filtered ? ' (filtered)' : ''}
          </p>
          <div className="table-wrap">
            <table className="data audit-table">
              <caption className="visually-hidden">Audit entries</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Entry
                  </th>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Reason</th>
                  <th scope="col">
                    <span className="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.seq}>
                    <td className="num">{e.seq}</td>
                    <td className="nowrap">{when(e.at)}</td>
                    <td title={e.actor}>{e.actor_label}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      {e.subject_type ? (
                        <>
                          {e.subject_type} <code className="subject-id">{e.subject_id}</code>
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="reason">{e.reason ?? <span className="muted">—</span>}</td>
                    <td>
                      <button
                        className="secondary"
                        aria-haspopup="dialog"
                        aria-label={`Details of entry ${e.seq}`}
                        onClick={() => setOpen(e)}
                      >
                        Details
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <Pager
        page={trail.length || (before ? 1 : 0)}
        hasMore={current?.next_before != null}
        onPage={(p) => {
          if (p > trail.length) go(filters, String(current!.next_before), [...trail, before]);
          else go(filters, trail[p] ?? '', trail.slice(0, p));
        }}
      />
      {open && <EntryDetails entry={open} onClose={() => setOpen(null)} />}
    </Page>
  );
}

/** The server's field messages start with the field's name in lower case ("from must be…"): as sentences. */
const sentences = (errors: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(errors).map(([k, m]) => [
      k,
      `${m.charAt(0).toUpperCase()}${m.slice(1)}${m.endsWith('.') ? '' : '.'}`,
    ]),
  );

function AuditSearch({
  initial,
  errors,
  onSearch,
  onClear,
}: {
  initial: Record<Filter, string>;
  errors: Record<string, string>;
  onSearch: (f: Record<Filter, string>) => void;
  onClear: () => void;
}) {
  const [f, setF] = useState(initial);
  const [local, setLocal] = useState<Record<string, string>>({});
  const set = (k: Filter) => (e: { target: { value: string } }) => setF((x) => ({ ...x, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (f.from && f.to && f.to < f.from) problems.to = 'The end of the period is before its start.';
    if (f.subject_id && !f.subject_type)
      problems.subject_type = 'Say what kind of subject the id is (account, group, case…).';
    setLocal(problems);
    if (!Object.keys(problems).length) onSearch(f);
  };
  const err = { ...errors, ...local };
  return (
    <form className="audit-search" onSubmit={submit} aria-label="Search the audit log" noValidate>
      <Field label="Actor" hint="A username, or as recorded: staff:3, key:7, system" error={err.actor}>
        {(a) => <input {...a} name="actor" value={f.actor} onChange={set('actor')} autoComplete="off" />}
      </Field>
      <Field label="Action" hint="Exact (case.decide), or a prefix ending in a dot (case.)" error={err.action}>
        {(a) => <input {...a} name="action" value={f.action} onChange={set('action')} autoComplete="off" />}
      </Field>
      <Field label="Subject type" hint="account, group, case, staff…" error={err.subject_type}>
        {(a) => (
          <input {...a} name="subject_type" value={f.subject_type} onChange={set('subject_type')} autoComplete="off" />
        )}
      </Field>
      <Field label="Subject id" error={err.subject_id}>
        {(a) => <input {...a} name="subject_id" value={f.subject_id} onChange={set('subject_id')} autoComplete="off" />}
      </Field>
      <Field label="From (UTC)" error={err.from}>
        {(a) => <input {...a} name="from" type="date" value={f.from} onChange={set('from')} />}
      </Field>
      <Field label="To (UTC, included)" error={err.to}>
        {(a) => <input {...a} name="to" type="date" value={f.to} onChange={set('to')} />}
      </Field>
      <div className="buttons">
        <button type="submit" className="primary">
          Search
        </button>
        <button type="button" className="secondary" onClick={onClear}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

/** The chain as the server recomputed it: where it is intact, and where it breaks. */
function ChainStatus() {
  const v = useLoad(() => api<AuditVerification>('GET', '/v1/audit/verify'), []);
  const d = v.data;
  return (
    <section
      className={`chain ${d ? (d.ok ? 'chain-ok' : 'chain-bad') : ''}`}
      aria-labelledby="chain-h"
      aria-busy={v.loading}
    >
      <h2 id="chain-h">Hash chain</h2>
      {v.error && <Notice text={`The chain could not be checked: ${v.error}`} kind="error" />}
      {!d && !v.error && (
        <p className="muted" role="status">
          Checking the chain…
        </p>
      )}
      {d && d.ok && (
        <p role="status">
          <strong>Verified up to entry {d.verified_through.toLocaleString()}</strong>: every entry from the first is
          intact and linked to the one before it.
        </p>
      )}
      {d && !d.ok && (
        <div role="alert">
          <p>
            <strong>
              {d.verified_through ? `Verified up to entry ${d.verified_through.toLocaleString()}` : 'Not verified'}
            </strong>
            {' — '}the chain breaks at entry {d.problems[0]!.seq.toLocaleString()}:{' '}
            {PROBLEM[d.problems[0]!.problem] ?? d.problems[0]!.detail}.
          </p>
          <ul className="problems">
            {d.problems.slice(0, 10).map((p, i) => (
              <li key={i}>
                Entry {p.seq}: {PROBLEM[p.problem] ?? readable(p.problem)} <span className="muted">({p.detail})</span>
              </li>
            ))}
          </ul>
          {d.problems.length > 10 && <p className="muted">and {d.problems.length - 10} more problems.</p>}
        </div>
      )}
      {d && (
        <p className="muted small">
          {d.entries.toLocaleString()} entries; the last recorded is {d.head_seq.toLocaleString()} with hash{' '}
          <code className="hash">{d.head_hash.slice(0, 16)}…</code>. Keep this hash somewhere else to anchor the log.{' '}
          <button className="linkish" onClick={v.reload} disabled={v.loading}>
            Check again
          </button>
        </p>
      )}
    </section>
  );
}

function EntryDetails({ entry: e, onClose }: { entry: Entry; onClose: () => void }) {
  return (
    <Dialog title={`Audit entry ${e.seq}`} onClose={onClose} wide>
      <dl className="entry-facts">
        <dt>Time (UTC)</dt>
        <dd>{e.at}</dd>
        <dt>Actor</dt>
        <dd>
          {e.actor_label}
          {e.actor_label !== e.actor && <span className="muted"> ({e.actor})</span>}
        </dd>
        <dt>Action</dt>
        <dd>
          <code>{e.action}</code>
        </dd>
        <dt>Subject</dt>
        <dd>{e.subject_type ? `${e.subject_type} ${e.subject_id}` : '—'}</dd>
        <dt>Reason</dt>
        <dd>{e.reason ?? '—'}</dd>
        <dt>Hash</dt>
        <dd>
          <code className="hash">{e.hash}</code>
        </dd>
        <dt>Previous hash</dt>
        <dd>
          <code className="hash">{e.prev_hash}</code>
        </dd>
      </dl>
      <h3>Data</h3>
      <pre className="entry-data" tabIndex={0} aria-label="Entry data (JSON)">
        {JSON.stringify(e.data, null, 2)}
      </pre>
      <div className="buttons">
        <button onClick={onClose}>Close</button>
      </div>
    </Dialog>
  );
}
