import { useEffect, useState } from 'react';
import { api } from './api.ts';
import { Link } from './App.tsx';

interface ReportSummary { id: number; status: string; subject: { platform: string; type: string; id: string }; case_id?: number | null; ncmec_report_id: number | null; files: number; error: string | null; created_at: string; filed_at: string | null }
interface ReportDetail extends ReportSummary {
  xml: string;
  problems: string[];
  draft: { report: { incidentType: string; incidentDateTime: string }; files: { mediaId: string; details: { originalFileName?: string; fileViewedByEsp?: boolean; publiclyAvailable?: boolean; originalFileHashes?: { hashType: string; value: string }[] } }[] };
}
interface LeRequest { id: number; kind: string; agency: string; case_number: string; status: string; due_at: string | null; preservation_until: string | null; renewed: boolean; nondisclosure: { until: string; active: boolean } | null; productions: unknown[] }

/** The legal team's page: CyberTipline reports to review and send, and the law-enforcement request ledger. */
export function Legal() {
  const [tab, setTab] = useState<'reports' | 'le'>('reports');
  return (
    <main>
      <nav className="tabs">
        <button className={tab === 'reports' ? 'current' : ''} onClick={() => setTab('reports')}>CyberTipline reports</button>
        <button className={tab === 'le' ? 'current' : ''} onClick={() => setTab('le')}>Law-enforcement requests</button>
      </nav>
      {tab === 'reports' ? <Reports /> : <LeRequests />}
    </main>
  );
}

function Reports() {
  const [rows, setRows] = useState<ReportSummary[]>([]);
  const [open, setOpen] = useState<ReportDetail | null>(null);
  const [message, setMessage] = useState('');
  const load = () => api<{ reports: ReportSummary[] }>('GET', '/v1/legal/reports').then((r) => setRows(r.reports), (e) => setMessage(e.message));
  const show = (id: number) => api<ReportDetail>('GET', `/v1/legal/reports/${id}`).then(setOpen, (e) => setMessage(e.message));
  useEffect(() => {
    load();
  }, []);
  const act = (path: string, done: string) =>
    api('POST', path).then(() => {
      setMessage(done);
      load();
      if (open) show(open.id);
    }, (e) => setMessage(e.message));
  return (
    <>
      <div className="filters">
        <span className="muted">{rows.length} report(s)</span>
        {message && <span className="notice" role="status">{message}</span>}
      </div>
      <table className="tasks reports">
        <thead><tr><th>#</th><th>Subject</th><th>Case</th><th>Status</th><th>Files</th><th>NCMEC report</th><th>Drafted</th><th>Problem</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} tabIndex={0} onClick={() => show(r.id)} onKeyDown={(e) => e.key === 'Enter' && show(r.id)}>
              <td>{r.id}</td><td>{r.subject.type} {r.subject.id}</td><td onClick={(e) => e.stopPropagation()}>{r.case_id ? <Link to={`/cases/${r.case_id}`}>case {r.case_id}</Link> : ''}</td><td>{r.status}</td><td>{r.files}</td><td>{r.ncmec_report_id ?? ''}</td><td>{r.created_at.slice(0, 16).replace('T', ' ')}</td><td className="error">{r.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <section className="report-detail" aria-label={`report ${open.id}`}>
          <h2>Report {open.id}: {open.draft.report.incidentType}</h2>
          <p>Incident time {open.draft.report.incidentDateTime}. Status <strong>{open.status}</strong>{open.ncmec_report_id ? `, NCMEC report ${open.ncmec_report_id}` : ''}.</p>
          {open.problems.length ? (
            <div className="error" role="alert"><p>Does not validate against NCMEC's schema:</p><ul>{open.problems.map((p) => <li key={p}>{p}</li>)}</ul></div>
          ) : (
            <p className="muted">Validates against NCMEC's schema.</p>
          )}
          <h3>Files</h3>
          {!open.draft.files.length && <p className="muted">No files: a text-only report.</p>}
          <ul className="files">
            {open.draft.files.map((f) => (
              <li key={f.mediaId}>
                {f.details.originalFileName ?? f.mediaId} — {f.details.fileViewedByEsp ? 'viewed by staff' : 'not viewed by staff'}, {f.details.publiclyAvailable ? 'publicly available' : 'not public'}
                {f.details.originalFileHashes?.map((h) => <code key={h.hashType}> {h.hashType} {h.value.slice(0, 16)}…</code>)}
              </li>
            ))}
          </ul>
          <div className="actions">
            {(open.status === 'draft' || open.status === 'failed') && <button onClick={() => act(`/v1/legal/reports/${open.id}/send`, `Report ${open.id} queued for filing`)}>Send to NCMEC</button>}
            {open.status === 'queued' && <button onClick={() => act(`/v1/legal/reports/${open.id}/retract`, `Report ${open.id} retracted`)}>Retract</button>}
            <button className="link" onClick={() => setOpen(null)}>Close</button>
          </div>
          <details><summary>XML as it will be sent</summary><pre className="xml">{open.xml}</pre></details>
        </section>
      )}
    </>
  );
}

function LeRequests() {
  const [rows, setRows] = useState<LeRequest[]>([]);
  const [message, setMessage] = useState('');
  const [form, setForm] = useState({ kind: 'preservation', agency: '', case_number: '', subject: '', due: '' });
  // Deadline reminders are legal work items of their own (no review case): shown here, beside the ledger.
  const [due, setDue] = useState<{ id: number; reason: string; created_at: string }[]>([]);
  const load = () => {
    api<{ requests: LeRequest[] }>('GET', '/v1/legal/le-requests').then((r) => setRows(r.requests), (e) => setMessage(e.message));
    api<{ tasks: { id: number; reason: string; created_at: string }[] }>('GET', '/v1/tasks?queue=legal-requests&limit=100').then((r) => setDue(r.tasks), () => setDue([]));
  };
  useEffect(() => {
    load();
  }, []);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    api('POST', '/v1/legal/le-requests', {
      kind: form.kind, agency: form.agency, case_number: form.case_number, received_at: new Date().toISOString(),
      ...(form.due ? { due_at: new Date(form.due).toISOString() } : {}), subjects: [{ platform: 'default', type: 'account', id: form.subject }],
    }).then(() => {
      setMessage(`Request ${form.case_number} recorded`);
      setForm({ ...form, agency: '', case_number: '', subject: '', due: '' });
      load();
    }, (err) => setMessage(err.message));
  };
  return (
    <>
      <form className="le-form" onSubmit={submit} aria-label="record a request">
        <select aria-label="kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
          {['preservation', 'subpoena', 'court_order', 'search_warrant', 'emergency'].map((k) => <option key={k} value={k}>{k.replace('_', ' ')}</option>)}
        </select>
        <input aria-label="agency" placeholder="Agency" required value={form.agency} onChange={(e) => setForm({ ...form, agency: e.target.value })} />
        <input aria-label="case number" placeholder="Case number" required value={form.case_number} onChange={(e) => setForm({ ...form, case_number: e.target.value })} />
        <input aria-label="account id" placeholder="Account id" required value={form.subject} onChange={(e) => setForm({ ...form, subject: e.target.value })} />
        <input aria-label="due" type="datetime-local" value={form.due} onChange={(e) => setForm({ ...form, due: e.target.value })} />
        <button type="submit">Record</button>
        {message && <span className="notice" role="status">{message}</span>}
      </form>
      {due.length > 0 && (
        <section aria-labelledby="due-soon">
          <h2 id="due-soon">Due within three days</h2>
          <ul>{due.map((d) => <li key={d.id}>{d.reason}</li>)}</ul>
        </section>
      )}
      <table className="tasks le">
        <thead><tr><th>#</th><th>Kind</th><th>Agency</th><th>Case</th><th>Status</th><th>Due</th><th>Preserved until</th><th>Non-disclosure</th><th /></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{r.id}</td><td>{r.kind}</td><td>{r.agency}</td><td>{r.case_number}</td><td>{r.status}</td><td>{r.due_at?.slice(0, 16).replace('T', ' ') ?? ''}</td>
              <td>{r.preservation_until?.slice(0, 10) ?? ''}</td><td>{r.nondisclosure?.active ? `until ${r.nondisclosure.until.slice(0, 10)}` : ''}</td>
              <td>{r.kind === 'preservation' && !r.renewed && r.status === 'open' && <button onClick={() => api('POST', `/v1/legal/le-requests/${r.id}/renew`).then(load, (e) => setMessage(e.message))}>Renew 90 days</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
