// One CyberTipline report. Legal edits the draft a section at a time (incident details, reported people, files,
// additional information); every save is checked by the server against NCMEC's schema and a problem shows at
// its field. Sending asks first and shows exactly what will be filed (a summary and the XML); afterwards the
// page shows NCMEC's report id and each file's upload. Retraction asks for a reason. Auditors read only.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api.ts';
import type { Staff } from '../api/types.ts';
import { Link } from '../link.tsx';
import { Confirm, Field, fieldErrors, Notice, Page, Status, useLoad, when } from '../ui.tsx';
import {
  mayChange,
  plural,
  STATUS_LABELS,
  subjectLabel,
  usePoll,
  type Draft,
  type FileDetails,
  type IpEvent,
  type ReportDetail,
  type ReportedUser,
} from './common.tsx';

type IncidentType = Draft['report']['incidentType'];
/** In the select's order; `satisfies` keeps the list to the server's incident types. */
const INCIDENT_TYPES = [
  'Child Pornography (possession, manufacture, and distribution)',
  'Child Sex Trafficking',
  'Child Sex Tourism',
  'Child Sexual Molestation',
  'Misleading Domain Name',
  'Misleading Words or Digital Images on the Internet',
  'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
] as const satisfies readonly IncidentType[];
const IP_EVENTS = [
  'Login',
  'Registration',
  'Purchase',
  'Upload',
  'Other',
  'Unknown',
] as const satisfies readonly NonNullable<IpEvent['eventName']>[];
const ANNOTATIONS: [string, string][] = [
  ['sextortion', 'Sextortion'],
  ['csamSolicitation', 'CSAM solicitation'],
  ['minorToMinorInteraction', 'Minor-to-minor interaction'],
  ['spam', 'Spam'],
  ['sadisticOnlineExploitation', 'Sadistic online exploitation'],
];
const DATE_HINT = 'ISO 8601 date and time, e.g. 2026-11-20T14:03:00Z';

type Errors = Record<string, string>;
/** The error for a field: its own path, or the first one below it (`displayNames` shows `displayNames.1`). */
const at = (errors: Errors, path: string) =>
  errors[path] ?? Object.entries(errors).find(([k]) => k.startsWith(`${path}.`))?.[1];
const lines = (s: string) =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

export function ReportScreen({ id, staff }: { id: number; staff: Staff }) {
  const loaded = useLoad(() => api<ReportDetail>('GET', `/v1/legal/reports/${id}`), [id]);
  const [outcome, setOutcome] = useState<{ text: string; kind: 'ok' | 'error' }>({ text: '', kind: 'ok' });
  const [open, setOpen] = useState<'send' | 'retract' | null>(null);
  // "Saved" is said once the page shows what was saved (the reload has answered), not before.
  const [pending, setPending] = useState('');
  useEffect(() => {
    if (loaded.loading || !pending) return;
    setOutcome({ text: pending, kind: 'ok' });
    setPending('');
  }, [loaded.loading, pending]);
  const r = loaded.data;
  usePoll(r?.status === 'queued', loaded.reload);
  // "Queued" stops being news once NCMEC has it.
  useEffect(() => {
    if (r?.status === 'filed')
      setOutcome((o) =>
        /queued for filing/.test(o.text) ? { text: `Report ${r.id} is filed with NCMEC.`, kind: 'ok' } : o,
      );
  }, [r?.status, r?.id]);
  const title = `CyberTipline report ${id}`;
  if (!r)
    return (
      <Page title={title}>
        <Status loaded={loaded} />
      </Page>
    );

  const editable = mayChange(staff) && (r.status === 'draft' || r.status === 'failed');
  const valid = r.field_problems.length === 0;
  const saved = (text: string) => {
    setOutcome({ text: '', kind: 'ok' });
    setPending(text);
    loaded.reload();
  };
  const problemsAt = Object.fromEntries(r.field_problems.map((p) => [p.path, p.message]));
  const actions = mayChange(staff) && (
    <>
      {(r.status === 'draft' || r.status === 'failed') && (
        <>
          <button
            className="primary"
            onClick={() => setOpen('send')}
            disabled={!valid}
            aria-haspopup="dialog"
            aria-describedby={valid ? undefined : 'send-blocked'}
          >
            Send to NCMEC
          </button>
          {!valid && (
            <span id="send-blocked" className="error small">
              Fix the schema problems below before sending.
            </span>
          )}
        </>
      )}
      {(r.status === 'draft' || r.status === 'failed' || r.status === 'queued') && (
        <button className="danger" onClick={() => setOpen('retract')} aria-haspopup="dialog">
          Retract
        </button>
      )}
    </>
  );

  return (
    <Page title={title} actions={actions}>
      <p>
        <Link to="/legal/reports">All reports</Link>
      </p>
      <Notice text={outcome.text} kind={outcome.kind} />
      {loaded.error && (
        <p className="error" role="alert">
          {loaded.error}
        </p>
      )}
      <Overview r={r} />
      {(r.status === 'queued' || r.status === 'filed' || r.file_status.some((f) => f.state !== 'pending')) && (
        <Filing r={r} />
      )}
      {valid ? (
        <p className="schema-ok">
          <span aria-hidden="true">✓ </span>Validates against NCMEC's schema.
        </p>
      ) : (
        <div className="error-box" role="alert">
          <p>
            <strong>{plural(r.field_problems.length, 'schema problem')}</strong>: the report cannot be sent until{' '}
            {r.field_problems.length === 1 ? 'it is' : 'they are'} fixed.
          </p>
          <ul>
            {r.field_problems.map((p) => (
              <li key={`${p.path}:${p.message}`}>
                <code>{p.path}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {!editable && r.status !== 'draft' && r.status !== 'failed' && (
        <p className="muted">A {STATUS_LABELS[r.status].toLowerCase()} report can no longer be edited.</p>
      )}
      {!mayChange(staff) && (
        <p className="muted">Read only: your role ({staff.role}) can read reports but not change them.</p>
      )}
      <div key={r.draft_sha256} className="report-sections">
        <IncidentSection r={r} editable={editable} problems={problemsAt} onSaved={saved} />
        <PeopleSection r={r} editable={editable} problems={problemsAt} onSaved={saved} />
        <FilesSection r={r} editable={editable} problems={problemsAt} onSaved={saved} />
        <AdditionalSection r={r} editable={editable} problems={problemsAt} onSaved={saved} />
      </div>
      <details className="xml-box">
        <summary>The XML as it would be sent</summary>
        <pre className="xml" tabIndex={0} aria-label="Report XML">
          {r.xml}
        </pre>
      </details>
      {open === 'send' && (
        <SendDialog
          r={r}
          onClose={() => setOpen(null)}
          onSent={() => saved(`Report ${r.id} is queued for filing with NCMEC.`)}
        />
      )}
      {open === 'retract' && (
        <RetractDialog r={r} onClose={() => setOpen(null)} onDone={() => saved(`Report ${r.id} is retracted.`)} />
      )}
    </Page>
  );
}

function Overview({ r }: { r: ReportDetail }) {
  return (
    <dl className="report-overview">
      <div>
        <dt>Status</dt>
        <dd>
          <span className={`state state-${r.status}`}>{STATUS_LABELS[r.status]}</span>
        </dd>
      </div>
      <div>
        <dt>Subject</dt>
        <dd>{subjectLabel(r.subject)}</dd>
      </div>
      <div>
        <dt>Case</dt>
        <dd>{r.case_id ? <Link to={`/cases/${r.case_id}`}>Case {r.case_id}</Link> : 'None'}</dd>
      </div>
      <div>
        <dt>Incident type</dt>
        <dd>{r.incident_type}</dd>
      </div>
      <div>
        <dt>NCMEC report id</dt>
        <dd>{r.ncmec_report_id ?? 'Not filed yet'}</dd>
      </div>
      <div>
        <dt>Drafted</dt>
        <dd>{when(r.created_at)}</dd>
      </div>
      {r.filed_at && (
        <div>
          <dt>Filed</dt>
          <dd>{when(r.filed_at)}</dd>
        </div>
      )}
      {r.error && (
        <div>
          <dt>Last filing error</dt>
          <dd className="error">{r.error}</dd>
        </div>
      )}
    </dl>
  );
}

const FILE_STATES = {
  pending: 'Not uploaded yet',
  uploaded: 'Uploaded (details not sent yet)',
  described: 'Uploaded with its details',
} as const;

function Filing({ r }: { r: ReportDetail }) {
  return (
    <section aria-labelledby="filing-h" className="filing">
      <h2 id="filing-h">Filing with NCMEC</h2>
      <p role="status">
        {r.status === 'filed' ? (
          <>
            Filed: NCMEC report id <strong className="ncmec-id">{r.ncmec_report_id}</strong>.
          </>
        ) : r.status === 'queued' ? (
          <>
            Filing in progress
            {r.ncmec_report_id ? (
              <>
                {' '}
                (NCMEC report id <strong>{r.ncmec_report_id}</strong>, not finished)
              </>
            ) : (
              ''
            )}
            …
          </>
        ) : (
          <>Status: {STATUS_LABELS[r.status]}.</>
        )}
      </p>
      {r.file_status.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Each file's upload">
          <table className="data file-status">
            <caption>Each file's upload</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Status</th>
                <th scope="col">NCMEC file id</th>
                <th scope="col">MD5 NCMEC received</th>
              </tr>
            </thead>
            <tbody>
              {r.file_status.map((f) => (
                <tr key={f.media_id}>
                  <td>{f.name}</td>
                  <td>{FILE_STATES[f.state]}</td>
                  <td>{f.ncmec_file_id ? <code>{f.ncmec_file_id}</code> : <span className="muted">None</span>}</td>
                  <td>
                    {f.ncmec_md5 ? (
                      <>
                        <code>{f.ncmec_md5}</code>
                        {f.md5_matches === true ? (
                          ' (matches ours)'
                        ) : f.md5_matches === false ? (
                          <span className="error"> (differs from ours)</span>
                        ) : (
                          ''
                        )}
                      </>
                    ) : (
                      <span className="muted">None</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No files: a report without files.</p>
      )}
    </section>
  );
}

interface SectionProps {
  r: ReportDetail;
  editable: boolean;
  problems: Errors;
  onSaved: (text: string) => void;
}

/** One section of the draft: its own form, saved on its own; errors of the save shown at the fields. */
function useSection(r: ReportDetail, onSaved: (t: string) => void) {
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const save = async (e: FormEvent, body: Record<string, unknown>, what: string) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral('');
    try {
      await api('PATCH', `/v1/legal/reports/${r.id}`, body);
      onSaved(`${what} saved; the report was checked against NCMEC's schema.`);
    } catch (err) {
      const byField = fieldErrors(err);
      setErrors(byField);
      setGeneral(
        Object.keys(byField).length
          ? `Not saved: ${plural(Object.keys(byField).length, 'field')} to fix, each shown at its field.`
          : (err as Error).message,
      );
      setBusy(false);
    }
  };
  // After a refused save, the first field with an error takes focus, so a keyboard user lands where the fix is.
  useEffect(() => {
    if (Object.keys(errors).length)
      document.querySelector<HTMLElement>('.report-sections [aria-invalid="true"]')?.focus();
  }, [errors]);
  return { errors, general, busy, save };
}

function Section({
  id,
  title,
  general,
  editable,
  busy,
  onSubmit,
  children,
}: {
  id: string;
  title: string;
  general: string;
  editable: boolean;
  busy: boolean;
  onSubmit: (e: FormEvent) => void;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-h`} className="report-section">
      <h2 id={`${id}-h`}>{title}</h2>
      <form onSubmit={onSubmit} aria-labelledby={`${id}-h`} noValidate>
        <fieldset disabled={!editable} className="plain">
          <legend className="visually-hidden">{title}</legend>
          {children}
        </fieldset>
        <Notice text={general} kind="error" />
        {editable && (
          <div className="buttons">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Saving…' : `Save ${title.toLowerCase()}`}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

function IncidentSection({ r, editable, problems, onSaved }: SectionProps) {
  const rep = r.draft.report;
  const [type, setType] = useState(rep.incidentType);
  const [reason, setReason] = useState('');
  const [time, setTime] = useState(rep.incidentDateTime);
  const [desc, setDesc] = useState(rep.incidentDateTimeDescription ?? '');
  const [ann, setAnn] = useState<Record<string, boolean>>(rep.annotations ?? {});
  const chat = rep.internetDetails?.find((d) => d.kind === 'chatIm');
  const [room, setRoom] = useState(chat?.kind === 'chatIm' ? (chat.chatRoomName ?? '') : '');
  const [content, setContent] = useState(chat?.kind === 'chatIm' ? (chat.content ?? '') : '');
  const s = useSection(r, onSaved);
  const err = (p: string) => at(s.errors, p) ?? at(problems, p);
  const retyped = type !== rep.incidentType;
  const submit = (e: FormEvent) => {
    const internetDetails = (rep.internetDetails ?? []).map((d) =>
      d === chat && d.kind === 'chatIm' ? { ...d, chatRoomName: room || undefined, content: content || undefined } : d,
    );
    const annotations = Object.fromEntries(Object.entries(ann).filter(([, v]) => v));
    void s.save(
      e,
      {
        incident: {
          incidentType: type,
          incidentDateTime: time.trim(),
          incidentDateTimeDescription: desc,
          annotations,
          internetDetails,
        },
        ...(retyped ? { reason } : {}),
      },
      'Incident details',
    );
  };
  return (
    <Section
      id="incident"
      title="Incident details"
      general={s.general}
      editable={editable}
      busy={s.busy}
      onSubmit={submit}
    >
      <Field
        label="Incident type"
        error={err('incident.incidentType')}
        hint={retyped ? undefined : 'Follows the decision: apparent CSAM is reported as child sexual abuse material.'}
      >
        {(a) => (
          <select {...a} name="incidentType" value={type} onChange={(e) => setType(e.target.value as IncidentType)}>
            {INCIDENT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        )}
      </Field>
      {retyped && (
        <Field
          label="Reason for changing the incident type"
          error={at(s.errors, 'reason')}
          hint="Required; it goes into the audit log."
        >
          {(a) => <textarea {...a} name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
      )}
      <Field label="Incident date and time" error={err('incident.incidentDateTime')} hint={DATE_HINT}>
        {(a) => <input {...a} name="incidentDateTime" value={time} onChange={(e) => setTime(e.target.value)} />}
      </Field>
      <Field label="What the time is" error={err('incident.incidentDateTimeDescription')}>
        {(a) => (
          <input {...a} name="incidentDateTimeDescription" value={desc} onChange={(e) => setDesc(e.target.value)} />
        )}
      </Field>
      <fieldset className="checks">
        <legend>NCMEC annotations</legend>
        {ANNOTATIONS.map(([k, label]) => (
          <label key={k}>
            <input
              type="checkbox"
              name={k}
              checked={!!ann[k]}
              onChange={(e) => setAnn({ ...ann, [k]: e.target.checked })}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      {chat && (
        <>
          <Field label="Chat room" error={err('incident.internetDetails')}>
            {(a) => <input {...a} name="chatRoomName" value={room} onChange={(e) => setRoom(e.target.value)} />}
          </Field>
          <Field label="Reported conversation (as the reporters revealed it)">
            {(a) => (
              <textarea
                {...a}
                name="chatContent"
                rows={4}
                value={content}
                onChange={(e) => setContent(e.target.value)}
              />
            )}
          </Field>
        </>
      )}
    </Section>
  );
}

interface PersonForm {
  espIdentifier: string;
  espService: string;
  screenName: string;
  displayNames: string;
  profileBio: string;
  groupIdentifier: string;
  additionalInfo: string;
  ips: IpEvent[];
  rest: ReportedUser;
}
const toForm = (u: ReportedUser): PersonForm => ({
  espIdentifier: u.espIdentifier ?? '',
  espService: u.espService ?? '',
  screenName: u.screenName ?? '',
  displayNames: (u.displayNames ?? []).join('\n'),
  profileBio: u.profileBio ?? '',
  groupIdentifier: u.groupIdentifier ?? '',
  additionalInfo: u.additionalInfo ?? '',
  ips: u.ipCaptureEvents ?? [],
  rest: u,
});
const opt = (v: string) => (v.trim() ? v.trim() : undefined);
const fromForm = (f: PersonForm): ReportedUser => ({
  ...f.rest,
  espIdentifier: opt(f.espIdentifier),
  espService: opt(f.espService),
  screenName: opt(f.screenName),
  displayNames: lines(f.displayNames).length ? lines(f.displayNames) : undefined,
  profileBio: opt(f.profileBio),
  groupIdentifier: opt(f.groupIdentifier),
  additionalInfo: opt(f.additionalInfo),
  ipCaptureEvents: f.ips.length
    ? f.ips.map((i) => ({
        ...i,
        ipAddress: i.ipAddress.trim(),
        dateTime: i.dateTime?.trim() || undefined,
        eventName: i.eventName || undefined,
      }))
    : undefined,
});

function PeopleSection({ r, editable, problems, onSaved }: SectionProps) {
  const [people, setPeople] = useState<PersonForm[]>((r.draft.report.reportedUsers ?? []).map(toForm));
  const s = useSection(r, onSaved);
  const err = (p: string) => at(s.errors, p) ?? at(problems, p);
  const set = (i: number, change: Partial<PersonForm>) =>
    setPeople(people.map((p, j) => (j === i ? { ...p, ...change } : p)));
  const text = (i: number, k: keyof PersonForm, label: string, multi = false, hint?: string) => (
    <Field label={label} error={err(`reportedUsers.${i}.${k}`)} hint={hint}>
      {(a) =>
        multi ? (
          <textarea
            {...a}
            name={`${k}-${i}`}
            rows={2}
            value={people[i]![k] as string}
            onChange={(e) => set(i, { [k]: e.target.value })}
          />
        ) : (
          <input
            {...a}
            name={`${k}-${i}`}
            value={people[i]![k] as string}
            onChange={(e) => set(i, { [k]: e.target.value })}
          />
        )
      }
    </Field>
  );
  return (
    <Section
      id="people"
      title="Reported people"
      general={s.general}
      editable={editable}
      busy={s.busy}
      onSubmit={(e) => void s.save(e, { reportedUsers: people.map(fromForm) }, 'Reported people')}
    >
      {!people.length && <p className="muted">Nobody is named in this report.</p>}
      {people.map((p, i) => (
        <fieldset key={i} className="person">
          <legend>
            Person {i + 1}
            {p.screenName ? `: ${p.screenName}` : p.groupIdentifier ? `: group ${p.groupIdentifier}` : ''}
          </legend>
          {at(s.errors, `reportedUsers.${i}`) && s.errors[`reportedUsers.${i}`] && (
            <p className="error small">{s.errors[`reportedUsers.${i}`]}</p>
          )}
          <div className="grid2">
            {text(i, 'espIdentifier', 'Platform user id')}
            {text(i, 'screenName', 'Screen name')}
            {text(i, 'espService', 'Service')}
            {text(i, 'groupIdentifier', 'Group id')}
          </div>
          {text(i, 'displayNames', 'Display names', true, 'One per line.')}
          {text(i, 'profileBio', 'Profile bio', true)}
          <div className="ip-events">
            <h3>IP addresses</h3>
            {!p.ips.length && <p className="muted small">None supplied by the platform.</p>}
            {p.ips.map((ip, j) => (
              <div key={j} className="ip-row">
                <Field label={`IP address ${j + 1}`} error={err(`reportedUsers.${i}.ipCaptureEvents.${j}.ipAddress`)}>
                  {(a) => (
                    <input
                      {...a}
                      name={`ip-${i}-${j}`}
                      value={ip.ipAddress}
                      onChange={(e) =>
                        set(i, { ips: p.ips.map((x, k) => (k === j ? { ...x, ipAddress: e.target.value } : x)) })
                      }
                    />
                  )}
                </Field>
                <Field label="Event" error={err(`reportedUsers.${i}.ipCaptureEvents.${j}.eventName`)}>
                  {(a) => (
                    <select
                      {...a}
                      value={ip.eventName ?? ''}
                      onChange={(e) =>
                        set(i, {
                          ips: p.ips.map((x, k) =>
                            k === j ? { ...x, eventName: (e.target.value || undefined) as IpEvent['eventName'] } : x,
                          ),
                        })
                      }
                    >
                      <option value="">Not given</option>
                      {IP_EVENTS.map((ev) => (
                        <option key={ev}>{ev}</option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field
                  label="When"
                  error={err(`reportedUsers.${i}.ipCaptureEvents.${j}.dateTime`)}
                  hint={j === 0 ? DATE_HINT : undefined}
                >
                  {(a) => (
                    <input
                      {...a}
                      name={`ip-time-${i}-${j}`}
                      value={ip.dateTime ?? ''}
                      onChange={(e) =>
                        set(i, { ips: p.ips.map((x, k) => (k === j ? { ...x, dateTime: e.target.value } : x)) })
                      }
                    />
                  )}
                </Field>
                {editable && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => set(i, { ips: p.ips.filter((_, k) => k !== j) })}
                    aria-label={`Remove IP address ${j + 1} of person ${i + 1}`}
                  >
                    Remove
                  </button>
                )}
              </div>
            ))}
            {editable && (
              <button
                type="button"
                className="secondary"
                onClick={() => set(i, { ips: [...p.ips, { ipAddress: '' }] })}
              >
                Add an IP address
              </button>
            )}
          </div>
          {text(i, 'additionalInfo', 'More about this person', true)}
          {editable && (
            <button type="button" className="secondary" onClick={() => setPeople(people.filter((_, j) => j !== i))}>
              Remove person {i + 1} from the report
            </button>
          )}
        </fieldset>
      ))}
      {editable && (
        <button
          type="button"
          className="secondary"
          onClick={() => setPeople([...people, toForm({ espService: r.draft.report.platform })])}
        >
          Add a person
        </button>
      )}
    </Section>
  );
}

interface FileForm {
  mediaId: string;
  include: boolean;
  details: FileDetails;
  notes: string;
}

function FilesSection({ r, editable, problems, onSaved }: SectionProps) {
  const [files, setFiles] = useState<FileForm[]>(
    r.draft.files.map((f) => ({
      mediaId: f.mediaId,
      include: true,
      details: f.details,
      notes: (f.details.additionalInfo ?? []).join('\n'),
    })),
  );
  const s = useSection(r, onSaved);
  // Paths from the server count only the files still in the report.
  const kept = files.filter((f) => f.include);
  const err = (f: FileForm, p: string) => {
    const i = kept.indexOf(f);
    const orig = r.draft.files.findIndex((x) => x.mediaId === f.mediaId);
    return (i >= 0 ? at(s.errors, `files.${i}.${p}`) : undefined) ?? at(problems, `files.${orig}.${p}`);
  };
  const set = (i: number, change: Partial<FileForm> | { details: Partial<FileDetails> }) =>
    setFiles(
      files.map((f, j) =>
        j === i ? { ...f, ...change, details: { ...f.details, ...('details' in change ? change.details : {}) } } : f,
      ),
    );
  const body = () => ({
    files: kept.map((f) => {
      const { originalFileName, uploadedToEspTimestamp, locationOfFile, publiclyAvailable, fileRelevance } = f.details;
      const info = lines(f.notes);
      return {
        mediaId: f.mediaId,
        details: {
          originalFileName: originalFileName || undefined,
          uploadedToEspTimestamp: uploadedToEspTimestamp?.trim() || undefined,
          locationOfFile: locationOfFile || undefined,
          publiclyAvailable,
          fileRelevance,
          ...(info.length ? { additionalInfo: info } : {}),
        },
      };
    }),
  });
  return (
    <Section
      id="files"
      title="Files"
      general={s.general}
      editable={editable}
      busy={s.busy}
      onSubmit={(e) => void s.save(e, body(), 'Files')}
    >
      {!files.length && (
        <p className="muted">No files: the decision's evidence had none (the report is filed without files).</p>
      )}
      {files.map((f, i) => (
        <fieldset key={f.mediaId} className={`file${f.include ? '' : ' excluded'}`}>
          <legend>{f.details.originalFileName ?? f.mediaId}</legend>
          <p className="small">
            {f.details.fileViewedByEsp ? 'Viewed by staff (the audit log shows it).' : 'Not viewed by staff.'}{' '}
            {(f.details.originalFileHashes ?? []).map((h) => (
              <code key={h.hashType} className="hash" title={h.value}>
                {h.hashType} {h.value.slice(0, 16)}…
              </code>
            ))}
          </p>
          <label className="check">
            <input type="checkbox" checked={f.include} onChange={(e) => set(i, { include: e.target.checked })} />{' '}
            Include this file in the report
          </label>
          <div className="grid2">
            <Field label="Original file name" error={err(f, 'details.originalFileName')}>
              {(a) => (
                <input
                  {...a}
                  value={f.details.originalFileName ?? ''}
                  onChange={(e) => set(i, { details: { originalFileName: e.target.value } })}
                />
              )}
            </Field>
            <Field label="Uploaded to the platform" error={err(f, 'details.uploadedToEspTimestamp')} hint={DATE_HINT}>
              {(a) => (
                <input
                  {...a}
                  name={`uploaded-${i}`}
                  value={f.details.uploadedToEspTimestamp ?? ''}
                  onChange={(e) => set(i, { details: { uploadedToEspTimestamp: e.target.value } })}
                />
              )}
            </Field>
            <Field label="Relevance" error={err(f, 'details.fileRelevance')}>
              {(a) => (
                <select
                  {...a}
                  value={f.details.fileRelevance ?? 'Reported'}
                  onChange={(e) =>
                    set(i, { details: { fileRelevance: e.target.value as FileDetails['fileRelevance'] } })
                  }
                >
                  <option>Reported</option>
                  <option>Supplemental Reported</option>
                </select>
              )}
            </Field>
            <Field label="Where it was" error={err(f, 'details.locationOfFile')}>
              {(a) => (
                <input
                  {...a}
                  value={f.details.locationOfFile ?? ''}
                  onChange={(e) => set(i, { details: { locationOfFile: e.target.value } })}
                />
              )}
            </Field>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={!!f.details.publiclyAvailable}
              onChange={(e) => set(i, { details: { publiclyAvailable: e.target.checked } })}
            />{' '}
            Publicly available on the platform
          </label>
          <Field label="Notes on this file" error={err(f, 'details.additionalInfo')} hint="One per line.">
            {(a) => <textarea {...a} rows={2} value={f.notes} onChange={(e) => set(i, { notes: e.target.value })} />}
          </Field>
        </fieldset>
      ))}
    </Section>
  );
}

function AdditionalSection({ r, editable, problems, onSaved }: SectionProps) {
  const [text, setText] = useState(r.draft.report.additionalInfo ?? '');
  const s = useSection(r, onSaved);
  return (
    <Section
      id="additional"
      title="Additional information"
      general={s.general}
      editable={editable}
      busy={s.busy}
      onSubmit={(e) => void s.save(e, { additionalInfo: text.trim() || null }, 'Additional information')}
    >
      <Field
        label="Additional information for NCMEC"
        error={at(s.errors, 'additionalInfo') ?? at(problems, 'additionalInfo')}
      >
        {(a) => (
          <textarea {...a} name="additionalInfo" rows={4} value={text} onChange={(e) => setText(e.target.value)} />
        )}
      </Field>
    </Section>
  );
}

function summaryOf(d: Draft) {
  return (d.report.reportedUsers ?? []).map(
    (u) =>
      [u.screenName, u.espIdentifier && `id ${u.espIdentifier}`, u.groupIdentifier && `group ${u.groupIdentifier}`]
        .filter(Boolean)
        .join(', ') || 'unnamed',
  );
}

function SendDialog({ r, onClose, onSent }: { r: ReportDetail; onClose: () => void; onSent: () => void }) {
  const people = summaryOf(r.draft);
  return (
    <Confirm
      title={`File report ${r.id} with NCMEC?`}
      confirm="File with NCMEC"
      onClose={onClose}
      onConfirm={async () => {
        await api('POST', `/v1/legal/reports/${r.id}/send`, { draft_sha256: r.draft_sha256 });
        onSent();
      }}
    >
      <p tabIndex={-1} data-autofocus>
        This is what will be filed with the CyberTipline at <code>{r.destination}</code>. Once NCMEC has finished a
        report it cannot be retracted.
      </p>
      <dl className="send-summary">
        <div>
          <dt>Incident type</dt>
          <dd>{r.draft.report.incidentType}</dd>
        </div>
        <div>
          <dt>Incident time</dt>
          <dd>{r.draft.report.incidentDateTime}</dd>
        </div>
        <div>
          <dt>Reported people</dt>
          <dd>{people.length ? people.join('; ') : 'None'}</dd>
        </div>
        <div>
          <dt>Files</dt>
          <dd>
            {r.draft.files.length
              ? `${plural(r.draft.files.length, 'file')}: ${r.draft.files.map((f) => f.details.originalFileName ?? f.mediaId).join(', ')}`
              : 'None'}
          </dd>
        </div>
        <div>
          <dt>Schema</dt>
          <dd>Validates against NCMEC's schema</dd>
        </div>
      </dl>
      <h3>XML</h3>
      <pre className="xml confirm-xml" tabIndex={0} aria-label="The XML that will be filed">
        {r.xml}
      </pre>
    </Confirm>
  );
}

function RetractDialog({ r, onClose, onDone }: { r: ReportDetail; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  return (
    <Confirm
      title={`Retract report ${r.id}?`}
      confirm="Retract the report"
      danger
      onClose={onClose}
      onConfirm={async () => {
        setError('');
        if (reason.trim().length < 3) {
          setError('Give a reason (at least 3 characters).');
          throw new Error('Not retracted: give a reason.');
        }
        try {
          await api('POST', `/v1/legal/reports/${r.id}/retract`, { reason: reason.trim() });
        } catch (e) {
          setError(fieldErrors(e).reason ?? '');
          throw e;
        }
        onDone();
      }}
    >
      <p>
        {r.status === 'queued'
          ? 'The report is queued for filing; retracting withdraws it from NCMEC before it is finished.'
          : 'The draft is withdrawn and will not be filed.'}{' '}
        This cannot be undone.
      </p>
      <Field label="Reason" error={error} hint="Required; it goes into the audit log.">
        {(a) => (
          <textarea
            {...a}
            name="retract-reason"
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-autofocus
          />
        )}
      </Field>
    </Confirm>
  );
}
