// The preservation vault: what is sealed, about whom, from which case, until when (overdue and soon-due
// expiries marked), the legal holds that keep it longer, and sealed exports. Opening or exporting preserved
// content asks for a purpose, and the server audits every such view. Auditors see the records only.
import { useState } from 'react';
import { api } from '../api.ts';
import type { Body, Staff } from '../api/types.ts';
import { Link } from '../link.tsx';
import { navigate } from '../router.ts';
import {
  Confirm,
  Dialog,
  Field,
  fieldErrors,
  FormButtons,
  Notice,
  Page,
  Pager,
  Status,
  useLoad,
  when,
} from '../ui.tsx';
import { downloadPost, mayChange, PAGE, plural, subjectLabel, usePage, type Hold, type VaultItem } from './common.tsx';

const STATES = { live: 'Kept', destroyed: 'Destroyed', all: 'All' } as const;
type State = keyof typeof STATES;
const KINDS: Record<VaultItem['kind'], string> = {
  media: 'File',
  messages: 'Reported messages',
  metadata: 'Report draft',
};
const size = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

type Open =
  | { kind: 'export' }
  | { kind: 'open'; item: VaultItem }
  | { kind: 'destroy'; item: VaultItem }
  | { kind: 'hold' }
  | { kind: 'release'; hold: Hold };

export function VaultScreen({ staff, search }: { staff: Staff; search: URLSearchParams }) {
  const state: State = (search.get('state') as State) in STATES ? (search.get('state') as State) : 'live';
  const subject = search.get('subject') ?? '';
  const [page, setPage] = usePage(search);
  const [draftSubject, setDraftSubject] = useState(subject);
  const loaded = useLoad(
    () =>
      api<Body<'/v1/legal/vault'>>(
        'GET',
        `/v1/legal/vault?state=${state}&limit=${PAGE}&offset=${page * PAGE}${subject ? `&subject_id=${encodeURIComponent(subject)}` : ''}`,
      ),
    [state, subject, page],
  );
  const holds = useLoad(
    () =>
      api<Body<'/v1/legal/holds'>>(
        'GET',
        `/v1/legal/holds?state=active&limit=100${subject ? `&subject_id=${encodeURIComponent(subject)}` : ''}`,
      ),
    [subject],
  );
  const [selected, setSelected] = useState<number[]>([]);
  const [open, setOpen] = useState<Open | null>(null);
  const [outcome, setOutcome] = useState<{ text: string; kind: 'ok' | 'error' }>({ text: '', kind: 'ok' });
  const can = mayChange(staff);
  const items = loaded.data?.items ?? [];
  const total = loaded.data?.total ?? 0;
  const go = (q: Record<string, string>) => {
    const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v));
    const s = p.toString();
    navigate(`/legal/vault${s ? `?${s}` : ''}`);
  };
  const done = (text: string) => {
    setOutcome({ text, kind: 'ok' });
    loaded.reload();
    holds.reload();
  };
  const toggle = (id: number) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const overdue = items.filter((i) => i.expiry === 'overdue').length;
  const soon = items.filter((i) => i.expiry === 'due_soon').length;

  return (
    <Page
      title="Preservation vault"
      actions={
        can && (
          <>
            <button onClick={() => setOpen({ kind: 'export' })} disabled={!selected.length} aria-haspopup="dialog">
              Export {selected.length ? plural(selected.length, 'item') : 'selected items'}
            </button>
            <button className="secondary" onClick={() => setOpen({ kind: 'hold' })} aria-haspopup="dialog">
              Place a legal hold
            </button>
          </>
        )
      }
    >
      <p className="muted">
        Content preserved for CyberTipline reports, sealed and kept a year from preservation, or as long as a legal hold
        on its subject. Every opening and export is recorded with its purpose.
      </p>
      <Notice text={outcome.text} kind={outcome.kind} />
      <form
        className="filters legal-filters"
        role="search"
        aria-label="Filter the vault"
        onSubmit={(e) => {
          e.preventDefault();
          go({ state: state === 'live' ? '' : state, subject: draftSubject.trim() });
        }}
      >
        <label>
          Show{' '}
          <select
            name="state"
            value={state}
            onChange={(e) => go({ state: e.target.value === 'live' ? '' : e.target.value, subject })}
          >
            {(Object.keys(STATES) as State[]).map((s) => (
              <option key={s} value={s}>
                {STATES[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Subject id{' '}
          <input
            name="subject"
            value={draftSubject}
            onChange={(e) => setDraftSubject(e.target.value)}
            placeholder="account, group or media id"
          />
        </label>
        <button type="submit" className="secondary">
          Search
        </button>
        {loaded.data && (
          <p className="count" role="status">
            {plural(total, 'item')}
            {overdue ? `; ${overdue} overdue on this page` : ''}
            {soon ? `; ${soon} due within 30 days on this page` : ''}
          </p>
        )}
      </form>
      <Status
        loaded={loaded}
        empty={
          loaded.data && !items.length
            ? subject
              ? `Nothing preserved about ${subject}.`
              : 'Nothing preserved.'
            : false
        }
      />
      {items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Preserved items table">
          <table className="data vault-items">
            <caption className="visually-hidden">Preserved items, page {page + 1}</caption>
            <thead>
              <tr>
                {can && (
                  <th scope="col">
                    <span className="visually-hidden">Select</span>
                  </th>
                )}
                <th scope="col">Item</th>
                <th scope="col">What</th>
                <th scope="col">Subject</th>
                <th scope="col">Case</th>
                <th scope="col">Sealed at</th>
                <th scope="col">Kept until</th>
                {can && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  {can && (
                    <td>
                      {!i.destroyed_at && (
                        <input
                          type="checkbox"
                          checked={selected.includes(i.id)}
                          onChange={() => toggle(i.id)}
                          aria-label={`Select item ${i.id} for export`}
                        />
                      )}
                    </td>
                  )}
                  <td>{i.id}</td>
                  <td>
                    {KINDS[i.kind]}: {i.label}
                    <div className="muted small">
                      {i.mime}, {size(i.size)}
                    </div>
                  </td>
                  <td>{subjectLabel(i.subject)}</td>
                  <td>
                    {i.case_id ? <Link to={`/cases/${i.case_id}`}>Case {i.case_id}</Link> : null}
                    {i.report_id ? (
                      <div className="small">
                        <Link to={`/legal/reports/${i.report_id}`}>Report {i.report_id}</Link>
                      </div>
                    ) : null}
                    {!i.case_id && !i.report_id && <span className="muted">None</span>}
                  </td>
                  <td>{when(i.created_at)}</td>
                  <td>
                    {i.destroyed_at ? (
                      <span>
                        Destroyed {when(i.destroyed_at)}
                        <div className="muted small">{i.destroyed_reason}</div>
                      </span>
                    ) : (
                      <>
                        <span
                          className={i.expiry === 'overdue' ? 'overdue' : i.expiry === 'due_soon' ? 'due-soon' : ''}
                        >
                          {when(i.kept_until)}
                          {i.expiry === 'overdue'
                            ? ' (overdue: destroyed next)'
                            : i.expiry === 'due_soon'
                              ? ' (within 30 days)'
                              : ''}
                        </span>
                        {i.held_until && i.held_until === i.kept_until && (
                          <div className="muted small">held by a legal hold</div>
                        )}
                      </>
                    )}
                  </td>
                  {can && (
                    <td className="actions-cell">
                      {!i.destroyed_at && (
                        <button
                          className="secondary"
                          onClick={() => setOpen({ kind: 'open', item: i })}
                          aria-haspopup="dialog"
                          aria-label={`Open item ${i.id}`}
                        >
                          Open
                        </button>
                      )}
                      {!i.destroyed_at && (
                        <button
                          className="danger"
                          onClick={() => setOpen({ kind: 'destroy', item: i })}
                          aria-haspopup="dialog"
                          aria-label={`Destroy item ${i.id}`}
                        >
                          Destroy
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} hasMore={(page + 1) * PAGE < total} onPage={setPage} />

      <section aria-labelledby="holds-h">
        <h2 id="holds-h">Legal holds in force</h2>
        <Status loaded={holds} empty={holds.data && !holds.data.holds.length ? 'No legal hold is in force.' : false} />
        {!!holds.data?.holds.length && (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Legal holds table">
            <table className="data holds">
              <caption className="visually-hidden">Legal holds in force</caption>
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Why</th>
                  <th scope="col">Placed</th>
                  <th scope="col">Until</th>
                  {can && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {holds.data.holds.map((h) => (
                  <tr key={h.id}>
                    <td>{subjectLabel(h.subject)}</td>
                    <td>{h.reason}</td>
                    <td>{when(h.placed_at)}</td>
                    <td>{when(h.until)}</td>
                    {can && (
                      <td>
                        <button
                          className="secondary"
                          onClick={() => setOpen({ kind: 'release', hold: h })}
                          aria-haspopup="dialog"
                          aria-label={`Release the hold on ${subjectLabel(h.subject)} placed ${when(h.placed_at)}`}
                        >
                          Release
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {(holds.data?.total ?? 0) > 100 && (
          <p className="muted">The 100 soonest to end are shown; search a subject for the rest.</p>
        )}
      </section>

      {open?.kind === 'export' && (
        <PurposeDialog
          title={`Export ${plural(selected.length, 'item')}`}
          confirm="Export the sealed ZIP"
          onClose={() => setOpen(null)}
          intro="A ZIP with the files, a manifest of their SHA-256 and a signature, for law enforcement or counsel."
          act={async (purpose) => {
            const name = await downloadPost(
              '/v1/legal/vault/export',
              { item_ids: selected, purpose },
              'vigil-export.zip',
            );
            setSelected([]);
            done(`Exported ${name}.`);
          }}
        />
      )}
      {open?.kind === 'open' && (
        <PurposeDialog
          title={`Open item ${open.item.id}`}
          confirm="Open (download)"
          onClose={() => setOpen(null)}
          intro={`${KINDS[open.item.kind]} "${open.item.label}" about ${subjectLabel(open.item.subject)}. It is decrypted for you and the view is recorded with your purpose.`}
          act={async (purpose) => {
            const res = await fetch(`/v1/legal/vault/${open.item.id}/content?purpose=${encodeURIComponent(purpose)}`, {
              credentials: 'same-origin',
            });
            if (!res.ok)
              throw new Error(
                ((await res.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ??
                  `HTTP ${res.status}`,
              );
            const a = document.createElement('a');
            a.href = URL.createObjectURL(await res.blob());
            a.download = `vault-${open.item.id}-${open.item.label.replace(/[^\w.-]/g, '_')}`;
            a.click();
            setTimeout(() => URL.revokeObjectURL(a.href), 1000);
            done(`Item ${open.item.id} opened; the view is recorded.`);
          }}
        />
      )}
      {open?.kind === 'destroy' && (
        <PurposeDialog
          title={`Destroy item ${open.item.id}?`}
          confirm="Destroy it now"
          danger
          label="Reason"
          onClose={() => setOpen(null)}
          intro="The sealed content is erased for good; the record of the item, and of when and why it was destroyed, stays."
          act={async (reason) => {
            await api('POST', `/v1/legal/vault/${open.item.id}/destroy`, { reason });
            done(`Item ${open.item.id} is destroyed.`);
          }}
        />
      )}
      {open?.kind === 'release' && (
        <PurposeDialog
          title="Release this legal hold?"
          confirm="Release the hold"
          danger
          label="Reason"
          onClose={() => setOpen(null)}
          intro={`The hold on ${subjectLabel(open.hold.subject)} (${open.hold.reason}) ends now; its items then follow their own retention.`}
          act={async (reason) => {
            await api('POST', `/v1/legal/holds/${open.hold.id}/release`, { reason });
            done('The hold is released.');
          }}
        />
      )}
      {open?.kind === 'hold' && <HoldDialog onClose={() => setOpen(null)} onDone={() => done('The hold is placed.')} />}
    </Page>
  );
}

/** Asks for the purpose (or reason) an action needs before doing it; the error shows at the field. */
function PurposeDialog({
  title,
  confirm,
  intro,
  label = 'Purpose',
  danger,
  act,
  onClose,
}: {
  title: string;
  confirm: string;
  intro: string;
  label?: string;
  danger?: boolean;
  act: (text: string) => Promise<void>;
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  return (
    <Confirm
      title={title}
      confirm={confirm}
      danger={danger}
      onClose={onClose}
      onConfirm={async () => {
        setError('');
        if (text.trim().length < 3) {
          setError(`Give a ${label.toLowerCase()} (at least 3 characters).`);
          throw new Error(`Nothing done: give a ${label.toLowerCase()}.`);
        }
        try {
          await act(text.trim());
        } catch (e) {
          const f = fieldErrors(e);
          setError(f.purpose ?? f.reason ?? '');
          throw e;
        }
      }}
    >
      <p>{intro}</p>
      <Field label={label} error={error} hint="Required; it is recorded in the audit log.">
        {(a) => <textarea {...a} name="purpose" rows={2} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
    </Confirm>
  );
}

function HoldDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [f, setF] = useState({ type: 'account', id: '', days: '90', reason: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [general, setGeneral] = useState('');
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!f.id.trim()) local['subject.id'] = 'Give the subject id.';
    if (!(Number(f.days) >= 1 && Number(f.days) <= 3650 && Number.isInteger(Number(f.days))))
      local.days = 'A whole number of days from 1 to 3650.';
    if (f.reason.trim().length < 3) local.reason = 'Give a reason (at least 3 characters).';
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await api('POST', '/v1/legal/holds', {
        subject: { type: f.type, id: f.id.trim() },
        days: Number(f.days),
        reason: f.reason.trim(),
      });
      onDone();
      onClose();
    } catch (err) {
      setErrors(fieldErrors(err));
      setGeneral((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title="Place a legal hold" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>A hold keeps everything preserved about the subject until it ends, whatever its retention.</p>
        <Field label="Subject type">
          {(a) => (
            <select {...a} value={f.type} onChange={(e) => setF({ ...f, type: e.target.value })}>
              <option value="account">Account</option>
              <option value="group">Group</option>
              <option value="media">Media</option>
            </select>
          )}
        </Field>
        <Field label="Subject id" error={errors['subject.id']}>
          {(a) => (
            <input {...a} name="hold-subject" value={f.id} onChange={(e) => setF({ ...f, id: e.target.value })} />
          )}
        </Field>
        <Field label="Days" error={errors.days}>
          {(a) => (
            <input
              {...a}
              name="hold-days"
              inputMode="numeric"
              value={f.days}
              onChange={(e) => setF({ ...f, days: e.target.value })}
            />
          )}
        </Field>
        <Field label="Reason" error={errors.reason} hint="Recorded with the hold and in the audit log.">
          {(a) => (
            <textarea
              {...a}
              name="hold-reason"
              rows={2}
              value={f.reason}
              onChange={(e) => setF({ ...f, reason: e.target.value })}
            />
          )}
        </Field>
        <Notice text={general} kind="error" />
        <FormButtons label="Place the hold" busyLabel="Placing…" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
