// The law-enforcement request ledger: every request with its deadlines marked (a due date or a preservation
// term that has passed or ends within three days), non-disclosure orders, and what was produced. Legal records,
// edits, renews and produces; auditors read. Nothing here is ever sent to the platform or its users.
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { Body, Staff } from '../api/types.ts';
import { navigate } from '../router.ts';
import { Dialog, Field, fieldErrors, FormButtons, Notice, Page, Pager, Status, useLoad, when } from '../ui.tsx';
import {
  DeadlineMark,
  downloadPost,
  KIND_LABELS,
  LE_KINDS,
  LE_STATUSES,
  mayChange,
  PAGE,
  plural,
  subjectLabel,
  usePage,
  type LeRequest,
  type Subject,
} from './common.tsx';

const STATUS_LABELS: Record<LeRequest['status'], string> = {
  open: 'Open',
  produced: 'Produced',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
};
/** datetime-local (local time, minutes) ⇄ ISO (UTC). */
const toLocal = (iso: string | null | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const toIso = (local: string) => (local ? new Date(local).toISOString() : null);
function parseSubjects(text: string): Subject[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^(account|group|media)[\s:]+(.+)$/i.exec(l);
      return m
        ? { platform: 'default', type: m[1]!.toLowerCase(), id: m[2]!.trim() }
        : { platform: 'default', type: 'account', id: l };
    });
}

export function RequestsScreen({ staff, search }: { staff: Staff; search: URLSearchParams }) {
  const status = (LE_STATUSES as readonly string[]).includes(search.get('status') ?? '') ? search.get('status')! : '';
  const q = search.get('q') ?? '';
  const selectedId = Number(search.get('id')) || null;
  const [page, setPage] = usePage(search);
  const [draftQ, setDraftQ] = useState(q);
  const [creating, setCreating] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; kind: 'ok' | 'error' }>({ text: '', kind: 'ok' });
  const loaded = useLoad(
    () =>
      api<Body<'/v1/legal/le-requests'>>(
        'GET',
        `/v1/legal/le-requests?limit=${PAGE}&offset=${page * PAGE}${status ? `&status=${status}` : ''}${q ? `&q=${encodeURIComponent(q)}` : ''}`,
      ),
    [status, q, page],
  );
  const can = mayChange(staff);
  const rows = loaded.data?.requests ?? [];
  const total = loaded.data?.total ?? 0;
  const go = (p: Record<string, string>) => {
    const s = new URLSearchParams(Object.entries({ status, q, ...p }).filter(([, v]) => v)).toString();
    navigate(`/legal/requests${s ? `?${s}` : ''}`);
  };
  const done = (text: string) => {
    setOutcome({ text, kind: 'ok' });
    loaded.reload();
  };
  const late = rows.filter((r) => r.due_state === 'overdue' || r.preservation_state === 'overdue').length;
  const soon = rows.filter((r) => r.due_state === 'due_soon' || r.preservation_state === 'due_soon').length;

  return (
    <Page
      title="Law-enforcement requests"
      actions={
        can && (
          <button onClick={() => setCreating(true)} aria-haspopup="dialog">
            Record a request
          </button>
        )
      }
    >
      <Notice text={outcome.text} kind={outcome.kind} />
      <form
        className="filters legal-filters"
        role="search"
        aria-label="Filter requests"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: draftQ.trim(), page: '', id: '' });
        }}
      >
        <label>
          Status{' '}
          <select name="status" value={status} onChange={(e) => go({ status: e.target.value, page: '', id: '' })}>
            <option value="">Any status</option>
            {LE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search{' '}
          <input
            name="q"
            value={draftQ}
            onChange={(e) => setDraftQ(e.target.value)}
            placeholder="agency, case number or subject"
          />
        </label>
        <button type="submit" className="secondary">
          Search
        </button>
        {loaded.data && (
          <p className="count" role="status">
            {plural(total, 'request')}
            {late ? `; ${late} past a deadline on this page` : ''}
            {soon ? `; ${soon} due within three days on this page` : ''}
          </p>
        )}
      </form>
      {selectedId && (
        <RequestDetail key={selectedId} id={selectedId} can={can} onClose={() => go({ id: '' })} onChanged={done} />
      )}
      <Status
        loaded={loaded}
        empty={loaded.data && !rows.length ? (q || status ? 'No request matches.' : 'No requests recorded.') : false}
      />
      {rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Requests table">
          <table className="data le-requests">
            <caption className="visually-hidden">Law-enforcement requests, page {page + 1}</caption>
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Kind</th>
                <th scope="col">Agency</th>
                <th scope="col">Subjects</th>
                <th scope="col">Status</th>
                <th scope="col">Due</th>
                <th scope="col">Preserved until</th>
                <th scope="col">Non-disclosure</th>
                <th scope="col" className="num">
                  Productions
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className={r.id === selectedId ? 'selected' : ''}>
                  <td>
                    <a
                      href={`/console/legal/requests?id=${r.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        go({ id: String(r.id) });
                      }}
                      aria-current={r.id === selectedId ? 'true' : undefined}
                    >
                      {r.case_number}
                    </a>
                    <div className="muted small">
                      #{r.id}, received {when(r.received_at).slice(0, 10)}
                    </div>
                  </td>
                  <td>{KIND_LABELS[r.kind]}</td>
                  <td>{r.agency}</td>
                  <td>{r.subjects.map(subjectLabel).join(', ')}</td>
                  <td>{STATUS_LABELS[r.status]}</td>
                  <td>
                    <DeadlineMark at={r.due_at} state={r.due_state} what="due date" />
                  </td>
                  <td>
                    {r.kind === 'preservation' ? (
                      <>
                        <DeadlineMark at={r.preservation_until} state={r.preservation_state} what="term" />
                        {r.renewed && <div className="muted small">renewed once</div>}
                      </>
                    ) : (
                      <span className="muted">Not a preservation</span>
                    )}
                  </td>
                  <td>
                    {r.nondisclosure ? (
                      r.nondisclosure.active ? (
                        <strong>In force until {r.nondisclosure.until.slice(0, 10)}</strong>
                      ) : (
                        <span className="muted">Ended {r.nondisclosure.until.slice(0, 10)}</span>
                      )
                    ) : (
                      <span className="muted">None</span>
                    )}
                  </td>
                  <td className="num">{r.productions.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} hasMore={(page + 1) * PAGE < total} onPage={setPage} />
      <Producible />
      {creating && (
        <CreateDialog
          onClose={() => setCreating(false)}
          onDone={(id) => {
            done('The request is recorded.');
            go({ id: String(id), status: '', q: '' });
          }}
        />
      )}
    </Page>
  );
}

function Producible() {
  const loaded = useLoad(
    () => api<Body<'/v1/legal/le-requests/producible'>>('GET', '/v1/legal/le-requests/producible'),
    [],
  );
  if (!loaded.data) return null;
  return (
    <details className="producible">
      <summary>What this service can and cannot produce</summary>
      <h3>Can produce</h3>
      <ul>
        {loaded.data.can_produce.map((x) => (
          <li key={x}>{x}</li>
        ))}
      </ul>
      <h3>Cannot produce</h3>
      <ul>
        {loaded.data.cannot_produce.map((x) => (
          <li key={x}>{x}</li>
        ))}
      </ul>
    </details>
  );
}

function RequestDetail({
  id,
  can,
  onClose,
  onChanged,
}: {
  id: number;
  can: boolean;
  onClose: () => void;
  onChanged: (t: string) => void;
}) {
  const loaded = useLoad(() => api<LeRequest>('GET', `/v1/legal/le-requests/${id}`), [id]);
  const [producing, setProducing] = useState(false);
  const r = loaded.data;
  const changed = (t: string) => {
    loaded.reload();
    onChanged(t);
  };
  return (
    <section className="le-detail" aria-labelledby="le-detail-h">
      <div className="page-head">
        <h2 id="le-detail-h" tabIndex={-1}>
          Request {r ? `${r.case_number} (${r.agency})` : id}
        </h2>
        <button className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <Status loaded={loaded} />
      {r && (
        <>
          <dl className="report-overview">
            <div>
              <dt>Kind</dt>
              <dd>{KIND_LABELS[r.kind]}</dd>
            </div>
            <div>
              <dt>Received</dt>
              <dd>{when(r.received_at)}</dd>
            </div>
            <div>
              <dt>Subjects</dt>
              <dd>{r.subjects.map(subjectLabel).join(', ')}</dd>
            </div>
            <div>
              <dt>Due</dt>
              <dd>
                <DeadlineMark at={r.due_at} state={r.due_state} what="due date" />
              </dd>
            </div>
            {r.kind === 'preservation' && (
              <div>
                <dt>Preserved until</dt>
                <dd>
                  <DeadlineMark at={r.preservation_until} state={r.preservation_state} what="term" />
                  {r.renewed ? ' (renewed once)' : ''}
                </dd>
              </div>
            )}
            <div>
              <dt>Non-disclosure</dt>
              <dd>
                {r.nondisclosure
                  ? `${r.nondisclosure.active ? 'In force' : 'Ended'} until ${when(r.nondisclosure.until)}`
                  : 'None'}
              </dd>
            </div>
          </dl>
          {can && r.kind === 'preservation' && !r.renewed && r.status === 'open' && (
            <p>
              <button
                className="secondary"
                onClick={() =>
                  api('POST', `/v1/legal/le-requests/${r.id}/renew`).then(
                    () => changed('Preservation renewed for another 90 days.'),
                    (e) => onChanged((e as Error).message),
                  )
                }
              >
                Renew the preservation for 90 days
              </button>
            </p>
          )}
          <EditForm r={r} can={can} onSaved={() => changed('The request is updated.')} />
          <h3>Productions</h3>
          {r.productions.length ? (
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Productions table">
              <table className="data productions">
                <caption className="visually-hidden">Productions for this request</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">By</th>
                    <th scope="col">Items</th>
                    <th scope="col">Manifest SHA-256</th>
                    <th scope="col">Note</th>
                  </tr>
                </thead>
                <tbody>
                  {r.productions.map((p) => (
                    <tr key={p.at}>
                      <td>{when(p.at)}</td>
                      <td>{p.by}</td>
                      <td>{p.items.join(', ')}</td>
                      <td>
                        <code className="hash">{p.manifest_sha256}</code>
                      </td>
                      <td>{p.note ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">Nothing produced yet.</p>
          )}
          {can && (
            <p>
              <button className="secondary" onClick={() => setProducing(true)} aria-haspopup="dialog">
                Produce preserved items
              </button>
            </p>
          )}
          {producing && (
            <ProduceDialog
              r={r}
              onClose={() => setProducing(false)}
              onDone={(name) => changed(`Produced ${name}; the production is recorded.`)}
            />
          )}
        </>
      )}
    </section>
  );
}

function EditForm({ r, can, onSaved }: { r: LeRequest; can: boolean; onSaved: () => void }) {
  const [f, setF] = useState({
    status: r.status,
    agency: r.agency,
    case_number: r.case_number,
    contact: r.contact ?? '',
    due: toLocal(r.due_at),
    nd: toLocal(r.nondisclosure?.until),
    outcome: r.outcome ?? '',
    notes: r.notes ?? '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral('');
    try {
      await api('PATCH', `/v1/legal/le-requests/${r.id}`, {
        status: f.status,
        agency: f.agency.trim(),
        case_number: f.case_number.trim(),
        contact: f.contact.trim() || null,
        due_at: toIso(f.due),
        nondisclosure_until: toIso(f.nd),
        outcome: f.outcome.trim() || null,
        notes: f.notes.trim() || null,
      });
      onSaved();
    } catch (err) {
      setErrors(fieldErrors(err));
      setGeneral((err as Error).message);
    }
    setBusy(false);
  };
  return (
    <form onSubmit={submit} aria-label="Edit the request" noValidate>
      <fieldset disabled={!can} className="plain grid2">
        <legend className="visually-hidden">The request</legend>
        <Field label="Status" error={errors.status}>
          {(a) => (
            <select
              {...a}
              value={f.status}
              onChange={(e) => setF({ ...f, status: e.target.value as LeRequest['status'] })}
            >
              {LE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Agency" error={errors.agency}>
          {(a) => (
            <input
              {...a}
              name="edit-agency"
              value={f.agency}
              onChange={(e) => setF({ ...f, agency: e.target.value })}
            />
          )}
        </Field>
        <Field label="Case number" error={errors.case_number}>
          {(a) => <input {...a} value={f.case_number} onChange={(e) => setF({ ...f, case_number: e.target.value })} />}
        </Field>
        <Field label="Contact" error={errors.contact}>
          {(a) => <input {...a} value={f.contact} onChange={(e) => setF({ ...f, contact: e.target.value })} />}
        </Field>
        <Field label="Due" error={errors.due_at} hint="Your local time.">
          {(a) => (
            <input
              {...a}
              name="edit-due"
              type="datetime-local"
              value={f.due}
              onChange={(e) => setF({ ...f, due: e.target.value })}
            />
          )}
        </Field>
        <Field label="Non-disclosure order until" error={errors.nondisclosure_until} hint="Empty when there is none.">
          {(a) => (
            <input {...a} type="datetime-local" value={f.nd} onChange={(e) => setF({ ...f, nd: e.target.value })} />
          )}
        </Field>
        <Field label="Outcome" error={errors.outcome}>
          {(a) => (
            <textarea {...a} rows={2} value={f.outcome} onChange={(e) => setF({ ...f, outcome: e.target.value })} />
          )}
        </Field>
        <Field label="Notes" error={errors.notes}>
          {(a) => <textarea {...a} rows={2} value={f.notes} onChange={(e) => setF({ ...f, notes: e.target.value })} />}
        </Field>
      </fieldset>
      <Notice text={general} kind="error" />
      {can && (
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save the request'}
          </button>
        </div>
      )}
    </form>
  );
}

function ProduceDialog({ r, onClose, onDone }: { r: LeRequest; onClose: () => void; onDone: (name: string) => void }) {
  // What is preserved about the request's subjects.
  const items = useLoad(async () => {
    const lists = await Promise.all(
      r.subjects.map((s) =>
        api<Body<'/v1/legal/vault'>>('GET', `/v1/legal/vault?subject_id=${encodeURIComponent(s.id)}&limit=200`),
      ),
    );
    return lists
      .flatMap((l) => l.items)
      .filter((i) => r.subjects.some((s) => s.type === i.subject.type && s.id === i.subject.id));
  }, [r.id]);
  const [chosen, setChosen] = useState<number[]>([]);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const go = async () => {
    if (!chosen.length) {
      setError('Choose at least one item.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const name = await downloadPost(
        `/v1/legal/le-requests/${r.id}/production`,
        { item_ids: chosen, ...(note.trim() ? { note: note.trim() } : {}) },
        `le-request-${r.id}.zip`,
      );
      onDone(name);
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Produce for ${r.case_number}`} onClose={onClose} wide>
      <p>
        The items go into a sealed ZIP with a signed manifest; the production is recorded on the request and every
        item's opening is audited.
      </p>
      <Status
        loaded={items}
        empty={items.data && !items.data.length ? 'Nothing is preserved about these subjects.' : false}
      />
      {!!items.data?.length && (
        <fieldset className="checks">
          <legend>Preserved items</legend>
          {items.data.map((i) => (
            <label key={i.id}>
              <input
                type="checkbox"
                checked={chosen.includes(i.id)}
                onChange={() => setChosen((c) => (c.includes(i.id) ? c.filter((x) => x !== i.id) : [...c, i.id]))}
              />{' '}
              Item {i.id}: {i.label} ({subjectLabel(i.subject)})
            </label>
          ))}
        </fieldset>
      )}
      <Field label="Note (optional)">
        {(a) => <input {...a} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <Notice text={error} kind="error" />
      <div className="buttons">
        <button className="primary" onClick={go} disabled={busy}>
          {busy ? 'Producing…' : 'Produce the ZIP'}
        </button>
        <button className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

function CreateDialog({ onClose, onDone }: { onClose: () => void; onDone: (id: number) => void }) {
  const [f, setF] = useState({
    kind: 'preservation',
    agency: '',
    case_number: '',
    contact: '',
    received: toLocal(new Date().toISOString()),
    due: '',
    subjects: '',
    nd: '',
    notes: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const subjects = parseSubjects(f.subjects);
    const local: Record<string, string> = {};
    if (f.agency.trim().length < 2) local.agency = 'Name the agency.';
    if (!f.case_number.trim()) local.case_number = "Give the agency's case number.";
    if (!f.received) local.received_at = 'When was it received?';
    if (!subjects.length) local.subjects = 'Name at least one subject.';
    setErrors(local);
    setGeneral('');
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const r = await api<Body<'/v1/legal/le-requests', 'post'>>('POST', '/v1/legal/le-requests', {
        kind: f.kind,
        agency: f.agency.trim(),
        case_number: f.case_number.trim(),
        ...(f.contact.trim() ? { contact: f.contact.trim() } : {}),
        received_at: toIso(f.received),
        ...(f.due ? { due_at: toIso(f.due) } : {}),
        subjects,
        ...(f.nd ? { nondisclosure_until: toIso(f.nd) } : {}),
        ...(f.notes.trim() ? { notes: f.notes.trim() } : {}),
      });
      onDone(r.id);
      onClose();
    } catch (err) {
      setErrors(fieldErrors(err));
      setGeneral((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title="Record a law-enforcement request" onClose={onClose} wide>
      <form onSubmit={submit} noValidate>
        <div className="grid2">
          <Field label="Kind">
            {(a) => (
              <select {...a} name="kind" value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })}>
                {LE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Agency" error={errors.agency}>
            {(a) => (
              <input {...a} name="agency" value={f.agency} onChange={(e) => setF({ ...f, agency: e.target.value })} />
            )}
          </Field>
          <Field label="Case number" error={errors.case_number}>
            {(a) => (
              <input
                {...a}
                name="case_number"
                value={f.case_number}
                onChange={(e) => setF({ ...f, case_number: e.target.value })}
              />
            )}
          </Field>
          <Field label="Contact" error={errors.contact}>
            {(a) => (
              <input
                {...a}
                name="contact"
                value={f.contact}
                onChange={(e) => setF({ ...f, contact: e.target.value })}
              />
            )}
          </Field>
          <Field label="Received" error={errors.received_at} hint="Your local time.">
            {(a) => (
              <input
                {...a}
                name="received"
                type="datetime-local"
                value={f.received}
                onChange={(e) => setF({ ...f, received: e.target.value })}
              />
            )}
          </Field>
          <Field label="Due" error={errors.due_at} hint="Optional; a reminder opens three days before.">
            {(a) => (
              <input
                {...a}
                name="due"
                type="datetime-local"
                value={f.due}
                onChange={(e) => setF({ ...f, due: e.target.value })}
              />
            )}
          </Field>
        </div>
        <Field
          label="Subjects"
          error={errors.subjects ?? Object.entries(errors).find(([k]) => k.startsWith('subjects.'))?.[1]}
          hint={'One per line: "account acc-1", "group g-2" (an id alone is an account).'}
        >
          {(a) => (
            <textarea
              {...a}
              name="subjects"
              rows={3}
              value={f.subjects}
              onChange={(e) => setF({ ...f, subjects: e.target.value })}
            />
          )}
        </Field>
        <Field label="Non-disclosure order until" error={errors.nondisclosure_until} hint="Empty when there is none.">
          {(a) => (
            <input
              {...a}
              name="nondisclosure"
              type="datetime-local"
              value={f.nd}
              onChange={(e) => setF({ ...f, nd: e.target.value })}
            />
          )}
        </Field>
        <Field label="Notes" error={errors.notes}>
          {(a) => (
            <textarea
              {...a}
              name="notes"
              rows={2}
              value={f.notes}
              onChange={(e) => setF({ ...f, notes: e.target.value })}
            />
          )}
        </Field>
        {f.kind === 'preservation' && (
          <p className="muted">A preservation request places a 90-day legal hold on each subject (renewable once).</p>
        )}
        <Notice text={general} kind="error" />
        <FormButtons label="Record the request" busyLabel="Recording…" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
