// One hash bank: its entries with search and paging, import of a hash list (all or nothing, with progress),
// export, and confirming or deconfirming an entry with a reason.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { BankEntries, Body } from '../api/types.ts';
import { Link } from '../link.tsx';
import { navigate } from '../router.ts';
import { Dialog, Field, Notice, Page, Pager, Status, useLoad, when } from '../ui.tsx';
import { errorsAt, plural, useOutcome } from './common.tsx';
import { kindLabel } from './Banks.tsx';
import { uploadList, type Progress } from './upload.ts';

type Entry = BankEntries['entries'][number];

const PAGE = 50;

export function BankScreen({ name, search }: { name: string; search: URLSearchParams }) {
  const q = search.get('q') ?? '';
  const bank = useLoad(async () => {
    const b = (await api<Body<'/v1/banks'>>('GET', '/v1/banks')).banks.find((x) => x.name === name);
    return b ?? null;
  }, [name]);
  // Cursor of each page seen so far (keyset paging by entry id); a new search starts again at page 1.
  const [cursors, setCursors] = useState<number[]>([0]);
  const [page, setPage] = useState(0);
  useEffect(() => {
    setCursors([0]);
    setPage(0);
  }, [q, name]);
  const after = cursors[page] ?? 0;
  // The answer carries the page and search it is for, so the heading above the rows always describes them.
  const entries = useLoad(
    async () => ({
      ...(await api<BankEntries>(
        'GET',
        `/v1/banks/${encodeURIComponent(name)}/entries?limit=${PAGE}&after=${after}${q ? `&q=${encodeURIComponent(q)}` : ''}`,
      )),
      page,
      q,
    }),
    [name, q, after],
  );
  const [importing, setImporting] = useState(false);
  const [changing, setChanging] = useState<{ e: Entry; op: 'confirm' | 'deconfirm' } | null>(null);
  const { outcome, ok } = useOutcome();
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const tableRef = useRef<HTMLTableElement>(null);

  const b = bank.data;
  if (bank.data === null) {
    return (
      <Page title="Bank not found">
        <p>
          There is no bank named “{name}”. <Link to="/admin/banks">All banks</Link>
        </p>
      </Page>
    );
  }
  const rows = entries.data?.entries ?? [];
  const hasMore = entries.data?.next_after != null;
  const goPage = (p: number) => {
    if (p > page && entries.data?.next_after != null) setCursors((c) => [...c.slice(0, p), entries.data!.next_after!]);
    setPage(p);
    tableRef.current?.focus();
  };
  const submitSearch = (e: FormEvent) => {
    e.preventDefault();
    const v = text.trim();
    navigate(`/admin/banks/${encodeURIComponent(name)}${v ? `?q=${encodeURIComponent(v)}` : ''}`);
  };
  const base = `/v1/banks/${encodeURIComponent(name)}/entries`;

  return (
    <Page
      title={`Bank ${name}`}
      actions={
        <>
          <button onClick={() => setImporting(true)} aria-haspopup="dialog">
            Import list
          </button>
          <a className="button-link" href={`${base}?format=hma-csv`} download={`${name}.csv`}>
            Export CSV
          </a>
          <a className="button-link" href={`${base}?format=plain`} download={`${name}.txt`}>
            Export plain list
          </a>
        </>
      }
    >
      <p>
        <Link to="/admin/banks">← All banks</Link>
      </p>
      <Status loaded={bank} />
      {b && (
        <div className="bank-facts">
          <span>{kindLabel(b.kind)}</span>
          <span>
            <strong>{b.entries.toLocaleString()}</strong> {b.entries === 1 ? 'entry' : 'entries'}
          </span>
          <span>
            {b.enabled ? (
              <span className="state good">Enabled</span>
            ) : (
              <span className="state bad">Disabled: entries do not match</span>
            )}
          </span>
          {b.description && <span className="muted">{b.description}</span>}
        </div>
      )}
      <Notice text={outcome.text} kind={outcome.kind} />
      <form className="entry-search" role="search" onSubmit={submitSearch}>
        <Field label="Search entries" hint="An entry number, the start of a hash, or words in the note.">
          {(a) => <input {...a} type="search" name="q" value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        <button type="submit">Search</button>
        {q && (
          <button
            type="button"
            className="secondary"
            onClick={() => navigate(`/admin/banks/${encodeURIComponent(name)}`)}
          >
            Clear
          </button>
        )}
      </form>
      <Status
        loaded={entries}
        empty={
          entries.data && !rows.length
            ? q
              ? `No entries match “${q}”.`
              : 'This bank has no entries yet. Import a list.'
            : false
        }
      />
      {rows.length > 0 && (
        <>
          <p className="count" aria-live="polite">
            {entries.data!.q ? `Entries matching “${entries.data!.q}”` : 'Entries'}, page {entries.data!.page + 1}:{' '}
            {plural(rows.length, 'entry', 'entries')} shown
          </p>
          <div className="table-wrap">
            <table className="data admin-table" ref={tableRef} tabIndex={-1}>
              <caption className="visually-hidden">Entries of {name}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    No.
                  </th>
                  <th scope="col">Type</th>
                  <th scope="col">Hash</th>
                  <th scope="col">Note</th>
                  <th scope="col">Source</th>
                  <th scope="col">Added</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <tr key={e.id}>
                    <td className="num">{e.id}</td>
                    <td>{e.signal_type.toUpperCase()}</td>
                    <td className="hash-cell">
                      <code className="hash">{e.value}</code>
                      {e.external_id && <div className="muted small">ref {e.external_id}</div>}
                    </td>
                    <td>
                      {e.note ?? ''}
                      {e.tags.length > 0 && <div className="muted small">{e.tags.join(', ')}</div>}
                    </td>
                    <td>{e.source ?? ''}</td>
                    <td className="nowrap">{when(e.added_at)}</td>
                    <td>
                      {e.disabled ? (
                        <span className="state bad">Deconfirmed</span>
                      ) : e.confirmed ? (
                        <span className="state good">Confirmed</span>
                      ) : (
                        <span className="state">Unconfirmed</span>
                      )}
                    </td>
                    <td className="actions-cell">
                      {(!e.confirmed || e.disabled) && (
                        <button
                          className="secondary"
                          aria-label={`Confirm entry ${e.id}`}
                          onClick={() => setChanging({ e, op: 'confirm' })}
                        >
                          Confirm
                        </button>
                      )}
                      {!e.disabled && (
                        <button
                          className="secondary"
                          aria-label={`Deconfirm entry ${e.id}`}
                          onClick={() => setChanging({ e, op: 'deconfirm' })}
                        >
                          Deconfirm
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} hasMore={hasMore} onPage={goPage} />
        </>
      )}
      {importing && (
        <ImportList
          bank={name}
          onClose={() => setImporting(false)}
          onImported={(r) => {
            ok(
              `Imported: ${plural(r.added, 'new entry', 'new entries')}, ${plural(r.duplicates, 'already in the bank', 'already in the bank')}.`,
            );
            bank.reload();
            entries.reload();
          }}
        />
      )}
      {changing && (
        <ChangeEntry
          bank={name}
          {...changing}
          onClose={() => setChanging(null)}
          onDone={(m) => {
            ok(m);
            entries.reload();
          }}
        />
      )}
    </Page>
  );
}

function ChangeEntry({
  bank,
  e,
  op,
  onClose,
  onDone,
}: {
  bank: string;
  e: Entry;
  op: 'confirm' | 'deconfirm';
  onClose: () => void;
  onDone: (m: string) => void;
}) {
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (reason.trim().length < 3)
      return setErrors({ reason: 'Give a reason (at least 3 characters); it is kept in the audit log.' });
    setBusy(true);
    try {
      await api('POST', `/v1/banks/${encodeURIComponent(bank)}/entries/${e.id}/${op}`, { reason: reason.trim() });
      onDone(
        op === 'confirm'
          ? `Entry ${e.id} is confirmed and matches.`
          : `Entry ${e.id} is deconfirmed: kept on record, no longer matched.`,
      );
      onClose();
    } catch (err) {
      setErrors(errorsAt(err, () => 'reason'));
      setBusy(false);
    }
  };
  return (
    <Dialog title={op === 'confirm' ? `Confirm entry ${e.id}` : `Deconfirm entry ${e.id}`} onClose={onClose}>
      <form className="admin-form" onSubmit={submit} noValidate>
        <p className="small">
          <code className="hash">{e.value}</code>
        </p>
        <p>
          {op === 'confirm'
            ? 'A confirmed entry matches media and is marked as checked by your team.'
            : 'A deconfirmed entry stays in the bank and its exports, but no longer matches media.'}
        </p>
        <Field label="Reason" error={errors.reason}>
          {(a) => (
            <textarea {...a} name="reason" rows={2} value={reason} onChange={(ev) => setReason(ev.target.value)} />
          )}
        </Field>
        <Notice text={errors[''] ?? ''} kind="error" />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : op === 'confirm' ? 'Confirm entry' : 'Deconfirm entry'}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const FORMATS = [
  { value: 'auto', label: 'Recognise from the file' },
  { value: 'hma-csv', label: 'CSV (HMA: signal_type,signal,…)' },
  { value: 'json', label: 'JSON (array or {"entries": […]})' },
  { value: 'jsonl', label: 'JSON lines' },
  { value: 'plain', label: 'Plain list (one hash per line)' },
];

function ImportList({
  bank,
  onClose,
  onImported,
}: {
  bank: string;
  onClose: () => void;
  onImported: (r: { added: number; duplicates: number }) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState('auto');
  const [signalType, setSignalType] = useState('pdq');
  const [source, setSource] = useState('');
  const [progress, setProgress] = useState<Progress | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ added: number; duplicates: number } | null>(null);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setErrors({});
    setResult(null);
    if (!file) return setErrors({ file: 'Choose a file to import.' });
    const qs = new URLSearchParams({
      format,
      signal_type: signalType,
      ...(source.trim() ? { source: source.trim() } : {}),
    });
    setProgress({ phase: 'uploading', sent: 0, total: file.size });
    try {
      const r = await uploadList<{ added: number; duplicates: number }>(
        `/v1/banks/${encodeURIComponent(bank)}/entries?${qs}`,
        file,
        setProgress,
      );
      setResult(r);
      onImported(r);
    } catch (err) {
      // The server checks the whole list before storing any of it: a bad line means nothing was imported.
      const at = errorsAt(err, () => 'file');
      setErrors(at.file ? { file: `Nothing was imported. ${at.file}` } : at);
    } finally {
      setProgress(null);
    }
  };
  const busy = !!progress;
  return (
    <Dialog title={`Import a hash list into ${bank}`} onClose={busy ? () => {} : onClose} wide>
      <form className="admin-form" onSubmit={submit} noValidate>
        <p className="muted small">
          The whole list is checked first: if any line is wrong, nothing is imported and the line is named. Hashes
          already in the bank are skipped.
        </p>
        <Field label="File" error={errors.file} hint="CSV, JSON, JSON lines or a plain list of hashes.">
          {(a) => (
            <input
              {...a}
              type="file"
              name="file"
              accept=".csv,.json,.jsonl,.txt,text/plain,text/csv,application/json"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setResult(null);
              }}
            />
          )}
        </Field>
        <Field label="Format" error={errors.format}>
          {(a) => (
            <select {...a} name="format" value={format} onChange={(e) => setFormat(e.target.value)}>
              {FORMATS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Hash type of a plain list"
          error={errors.signal_type}
          hint="Used only when the file is a plain list."
        >
          {(a) => (
            <select {...a} name="signal_type" value={signalType} onChange={(e) => setSignalType(e.target.value)}>
              <option value="pdq">PDQ (64 hex digits)</option>
              <option value="md5">MD5 (32 hex digits)</option>
              <option value="sha256">SHA-256 (64 hex digits)</option>
            </select>
          )}
        </Field>
        <Field
          label="Source (optional)"
          error={errors.source}
          hint="Recorded on each new entry, e.g. the list's provider."
        >
          {(a) => <input {...a} name="source" value={source} onChange={(e) => setSource(e.target.value)} />}
        </Field>
        {progress && (
          <div className="import-progress" role="status">
            {progress.phase === 'uploading' && (
              <>
                <label htmlFor="import-progress">
                  Uploading {Math.round((100 * progress.sent) / Math.max(1, progress.total))}%
                </label>
                <progress id="import-progress" max={Math.max(1, progress.total)} value={progress.sent} />
              </>
            )}
            {progress.phase === 'checking' && (
              <>
                <label htmlFor="import-progress">Checking every line…</label>
                <progress id="import-progress" />
              </>
            )}
            {progress.phase === 'storing' && (
              <>
                <label htmlFor="import-progress">
                  Storing {progress.stored.toLocaleString()} of {plural(progress.total, 'entry', 'entries')}
                </label>
                <progress id="import-progress" max={Math.max(1, progress.total)} value={progress.stored} />
              </>
            )}
          </div>
        )}
        {result && (
          <p className="notice" role="status">
            Imported: {plural(result.added, 'new entry', 'new entries')}, {result.duplicates.toLocaleString()} already
            in the bank.
          </p>
        )}
        <Notice text={errors[''] ?? ''} kind="error" />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
          <button type="button" className="secondary" onClick={onClose} disabled={busy}>
            {result ? 'Close' : 'Cancel'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
