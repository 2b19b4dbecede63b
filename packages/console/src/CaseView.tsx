import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from './api.ts';
import type { Appeal, Body, CaseDetail, Signal, Staff, TimelineEvent, UserReport } from './api/types.ts';
import { age, claimNext } from './Queue.tsx';
import { MediaItem, type MediaRef, type Wellness } from './Media.tsx';
import { Evidence } from './Evidence.tsx';
import { Link } from './link.tsx';
import { lastQueue, navigate } from './router.ts';
import { useShortcut } from './Shortcuts.tsx';

type Group = Body<'/v1/groups/{id}'>;
/** The case's subject as GET /v1/accounts/:id or /v1/groups/:id describes it. */
type Subject = Body<'/v1/accounts/{id}'> | Group;
/** The server leaves a profile photo's shape open (the platform's media reference); the console needs these two. */
const avatarOf = (s: Subject) => s.avatar as { url?: string; mime?: string } | null | undefined;
/** What the report-level verdict means, in words a reviewer can act on. */
const REPORT_VERDICT: Record<UserReport['verification'], string> = {
  verified: 'The relay delivered exactly these messages from their sender to this reporter.',
  unverifiable:
    'Sent by the platform without franking evidence: the text cannot be checked against what was delivered.',
  forged: 'The evidence does not match what the relay delivered to this reporter: counted against the reporter.',
};

const DECISION_LABELS: Record<string, string> = {
  apparent_csam: 'Apparent child sexual abuse material',
  policy_violation: 'Other policy violation',
  not_violating: 'Not violating',
  escalate: 'Escalate to a lead',
  uphold: 'Uphold the action (refuse the appeal)',
  reverse: 'Reverse the action (grant the appeal)',
  approve: 'Approve the group-wide action',
  reject: 'Reject the group-wide action',
};
const ACTIONS: Record<string, [string, string][]> = {
  account: [
    ['ban', 'Ban'],
    ['suspend', 'Suspend'],
    ['restrict', 'Restrict (forwarding, groups)'],
    ['remove_avatar', 'Remove profile photo'],
    ['reset_name', 'Reset name'],
    ['strike', 'Strike only'],
  ],
  group: [
    ['takedown_group', 'Take the group down (second approval)'],
    ['ban_members', 'Ban all members (second approval)'],
    ['revoke_invites', 'Revoke invite links'],
    ['remove_avatar', 'Remove group photo'],
    ['reset_name', 'Reset name'],
  ],
};
const WITH_ACTIONS = new Set(['apparent_csam', 'policy_violation']);
const LOG_LABELS: Record<string, string> = {
  opened: 'opened the case',
  reopened: 'reopened the case',
  'item.added': 'added',
  'item.migrated': 'carried over',
  verdict: 'rule fired',
  signal: 'new signal',
  claim: 'claimed',
  release: 'released',
  view: 'viewed',
  note: 'noted',
  decision: 'decided',
  action: 'acted',
  closed: 'closed',
  'group.action': 'group action',
  'legal.linked': 'legal work linked',
  'appeal.uphold': 'upheld the appeal',
  'appeal.reverse': 'reversed on appeal',
  'action.approved': 'approved',
  'action.rejected': 'rejected',
};

function logText(l: CaseDetail['log'][number]): string {
  const d = (l.data ?? {}) as Record<string, unknown>;
  switch (l.kind) {
    case 'item.added':
    case 'item.migrated':
    case 'legal.linked':
      return `${d.queue}: ${d.reason}`;
    case 'verdict':
      return `${d.rule} v${d.rule_version} (${d.reason})`;
    case 'signal':
      return `${d.kind}: ${d.summary}`;
    case 'note':
      return String(d.text ?? '');
    case 'decision':
      return `${DECISION_LABELS[String(d.decision)] ?? d.decision}: ${d.reason}`;
    case 'action':
      return `${d.action} (action ${d.action_id})`;
    case 'closed':
      return String(d.resolution ?? '');
    case 'group.action':
      return `${d.action} on group ${d.group_id} (action ${d.action_id}): ${d.reason}`;
    default:
      return d.reason ? String(d.reason) : '';
  }
}

export function CaseView({ caseId, staff, wellness }: { caseId: number; staff: Staff; wellness: Wellness }) {
  const [c, setCase] = useState<CaseDetail | null>(null);
  const [subject, setSubject] = useState<Subject | null>(null);
  const [signals, setSignals] = useState<Signal[]>([]);
  const [timeline, setTimeline] = useState<TimelineEvent[]>([]);
  const [reports, setReports] = useState<UserReport[] | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [decision, setDecision] = useState('');
  const [reason, setReason] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [days, setDays] = useState(7);
  const [allowlist, setAllowlist] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [appeals, setAppeals] = useState<Appeal[]>([]);
  const heading = useRef<HTMLHeadingElement>(null);
  const panel = useRef<HTMLElement>(null);

  const load = useCallback(async () => {
    const d = await api<CaseDetail>('GET', `/v1/cases/${caseId}`);
    setCase(d);
    const q = `subject_type=${encodeURIComponent(d.subject.type)}&subject_id=${encodeURIComponent(d.subject.id)}&platform=${encodeURIComponent(d.platform)}`;
    const [sig, tl] = await Promise.all([
      api<Body<'/v1/signals'>>('GET', `/v1/signals?${q}`),
      api<Body<'/v1/events'>>('GET', `/v1/events?${q}`),
    ]);
    setSignals(sig.signals);
    setTimeline(tl.events);
    const path = d.subject.type === 'account' ? 'accounts' : d.subject.type === 'group' ? 'groups' : null;
    // Appeals in the case: the platform's statement is part of what the reviewer decides on.
    const appealIds = d.items
      .map((i) => Number((i.ref as { appeal_id?: number } | null)?.appeal_id))
      .filter((n) => n > 0);
    setAppeals(await Promise.all(appealIds.map((id) => api<Appeal>('GET', `/v1/appeals/${id}`))));
    setSubject(
      path
        ? await api<Subject>(
            'GET',
            `/v1/${path}/${encodeURIComponent(d.subject.id)}?platform=${encodeURIComponent(d.platform)}`,
          ).catch(() => null)
        : null,
    );
    return d;
  }, [caseId]);

  useEffect(() => {
    load().then(
      () => heading.current?.focus(),
      (e) => setError(e.message),
    );
  }, [load]);

  // The default actions are shown ticked (and can be changed) as soon as apparent CSAM is chosen.
  const choose = (d: string) => {
    setDecision(d);
    setChosen(d === 'apparent_csam' ? (c?.default_actions ?? []).map((a) => a.action) : []);
  };

  const act = async (what: string, f: () => Promise<unknown>) => {
    setMessage('');
    setBusy(true);
    try {
      await f();
      await load();
      setMessage(what);
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // Legal staff come to a case from a report, and go back there (the review queues are not theirs).
  const backTo = staff.role === 'legal' ? '/legal/reports' : lastQueue.get();
  const backLabel = staff.role === 'legal' ? 'Back to the reports' : 'Back to the queue';
  const back = () => {
    sessionStorage.setItem('vigil.focusCase', String(caseId));
    navigate(backTo);
  };
  const mine = c?.claimed_by?.id === staff.id;
  const claim = () => act('Claimed: the case is yours for 15 minutes.', () => api('POST', `/v1/cases/${caseId}/claim`));
  const release = () => act('Released back to the queue.', () => api('POST', `/v1/cases/${caseId}/release`));

  useShortcut('Escape', back);
  useShortcut('c', () => {
    if (c?.allowed.claim) void claim();
    else if (c?.allowed.release) void release();
  });
  // The first control that can take focus (a button is disabled while a request is under way).
  useShortcut('d', () =>
    (
      panel.current?.querySelector(
        'input:not(:disabled),button:not(:disabled),select:not(:disabled),textarea:not(:disabled)',
      ) as HTMLElement | null
    )?.focus(),
  );
  useShortcut('r', () => (document.querySelector('[data-reveal]') as HTMLElement | null)?.click());
  useShortcut(
    'n',
    () =>
      void claimNext(new URLSearchParams(lastQueue.get().split('?')[1] ?? '')).then(
        (m) => m && setMessage(m),
        (e) => setMessage(e.message),
      ),
  );

  const submit = (andNext: boolean) => async (e?: FormEvent) => {
    e?.preventDefault();
    if (!c) return;
    const members: string[] = (subject && 'members' in subject ? subject.members : []).map((m) => m.account_id);
    const actions = chosen.map((a) =>
      a === 'suspend' ? { action: a, days } : a === 'ban_members' ? { action: a, member_ids: members } : { action: a },
    );
    const body = {
      decision,
      reason,
      ...(WITH_ACTIONS.has(decision) ? { actions } : {}),
      ...(decision === 'not_violating' && allowlist ? { allowlist: true } : {}),
    };
    setBusy(true);
    setMessage('');
    try {
      await api('POST', `/v1/cases/${caseId}/decision`, body);
      setDecision('');
      setReason('');
      setChosen([]);
      if (andNext) {
        const m = await claimNext(new URLSearchParams(lastQueue.get().split('?')[1] ?? ''));
        if (m) {
          setMessage(`Decision recorded. ${m}`);
          await load();
        }
      } else {
        await load();
        setMessage('Decision recorded.');
      }
    } catch (err) {
      setMessage((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (error)
    return (
      <main>
        <p className="error" role="alert">
          {error}
        </p>
        <Link to={backTo}>{backLabel}</Link>
      </main>
    );
  if (!c)
    return (
      <main>
        <p className="muted" role="status">
          Loading case…
        </p>
      </main>
    );

  const reviewItem = c.items.find((i) => i.status === 'open') ?? c.items[0];
  const media: MediaRef[] = [];
  const avatar = subject && avatarOf(subject);
  if (avatar?.url)
    media.push({
      kind: c.subject.type === 'group' ? 'group_avatar' : 'account_avatar',
      id: c.subject.id,
      platform: c.platform,
      label: c.subject.type === 'group' ? 'group photo' : 'profile photo',
      mime: avatar.mime,
    });
  for (const s of signals) {
    const id = s.evidence.media_id as string | undefined;
    if (id && !media.some((m) => m.kind === 'media' && m.id === id))
      media.push({ kind: 'media', id, platform: c.platform, label: `shared media ${id}` });
    for (const o of (s.evidence.openings as { opening_id: number; sha256: string }[] | undefined) ?? []) {
      if (!media.some((m) => m.kind === 'psi_opening' && m.id === String(o.opening_id)))
        media.push({
          kind: 'psi_opening',
          id: String(o.opening_id),
          platform: c.platform,
          label: `matched attachment ${o.sha256.slice(0, 12)}…`,
        });
    }
  }
  const notes = c.log.filter((l) => l.kind === 'note');
  const decisions = c.allowed.decisions;

  return (
    <div className="case-page">
      <main className="case-main" aria-labelledby="case-title">
        <p>
          <Link to={backTo} onClick={() => sessionStorage.setItem('vigil.focusCase', String(caseId))}>
            ← {backLabel}
          </Link>{' '}
          <span className="muted small">(Escape)</span>
        </p>
        <h1 id="case-title" ref={heading} tabIndex={-1}>
          <span title={`${c.subject.type} ${c.subject.id} on ${c.platform}`}>{c.subject.label}</span>{' '}
          <span className={`sev sev-${c.severity}`}>{c.severity}</span>
        </h1>
        <p className="case-meta">
          Case {c.id} · {c.subject.type} · queue <b>{c.queue}</b> · opened {age(c.opened_at)} ago ·{' '}
          <b data-testid="status">{c.status}</b>
          {c.resolution && ` (${c.resolution.replace(/_/g, ' ')})`}
          {c.claimed_by && (
            <>
              {' '}
              · being reviewed by{' '}
              <b title={`staff ${c.claimed_by.id}`}>{c.claimed_by.id === staff.id ? 'you' : c.claimed_by.username}</b>
            </>
          )}
        </p>

        <section aria-labelledby="why">
          <h2 id="why">Why it is here</h2>
          {c.reasons.length === 0 ? (
            <p className="muted">Nothing open.</p>
          ) : (
            <ul className="reasons">
              {c.reasons.map((r) => (
                <li key={r.rule}>
                  <b>{r.rule}</b>
                  {r.count > 1 && <span className="count"> ×{r.count}</span>}
                </li>
              ))}
            </ul>
          )}
          <details>
            <summary>
              {c.items.length} item{c.items.length === 1 ? '' : 's'} in this case
            </summary>
            <ul className="items">
              {c.items.map((i) => (
                <li key={i.id}>
                  {i.queue}: {i.reason} — {i.status}
                  {i.verdicts.length > 0 &&
                    ` (${[...new Set(i.verdicts.map((v) => `${v.rule.name} v${v.rule.version}`))].join(', ')})`}
                </li>
              ))}
            </ul>
          </details>
        </section>

        {appeals.map((a) => {
          const act = c.enforcement.find((e) => e.id === a.action_id);
          return (
            <section key={a.id} aria-label={`Appeal ${a.id}`} className="appeal">
              <h2>Appeal against {act ? act.action.replace(/_/g, ' ') : `action ${a.action_id}`}</h2>
              <blockquote>{a.statement}</blockquote>
              <p>
                Status: <b>{a.status}</b>
                {a.reason && ` (${a.reason})`}
                {act && (
                  <>
                    {' '}
                    · the action was decided by{' '}
                    <span title={`staff ${act.decided_by.id}`}>{act.decided_by.username}</span>
                    {act.approved_by && <> and approved by {act.approved_by.username}</>}
                  </>
                )}
              </p>
            </section>
          );
        })}
        {c.enforcement
          .filter((e) => e.status === 'pending_approval')
          .map((e) => (
            <section key={e.id} aria-label={`Pending action ${e.id}`} className="appeal">
              <h2>Waiting for a second approval</h2>
              <p>
                <b>{e.action.replace(/_/g, ' ')}</b> proposed by{' '}
                <span title={`staff ${e.decided_by.id}`}>{e.decided_by.username}</span>: {e.reason}
              </p>
            </section>
          ))}

        <section aria-labelledby="evidence">
          <h2 id="evidence">Evidence</h2>
          <Evidence signals={signals} />
        </section>

        {timeline.some((e) => e.type === 'report.filed') && (
          <section aria-labelledby="reports">
            <h2 id="reports">User reports</h2>
            {reports === null ? (
              <button
                onClick={() =>
                  api<Body<'/v1/reports'>>(
                    'GET',
                    `/v1/reports?subject_type=${encodeURIComponent(c.subject.type)}&subject_id=${encodeURIComponent(c.subject.id)}&platform=${encodeURIComponent(c.platform)}&task_id=${reviewItem?.id ?? ''}`,
                  ).then(
                    (r) => setReports(r.reports),
                    (e) => setMessage(e.message),
                  )
                }
              >
                Show reported content
              </button>
            ) : (
              <ul className="reports">
                {reports.map((r) => (
                  <li key={r.id}>
                    Report {r.id} by <span title={r.reporter_id}>{r.reporter_id}</span> (
                    {r.reason?.replace(/_/g, ' ') ?? 'no reason'}){r.comment && `: ${r.comment}`}
                    <p className="report-verdict">
                      <span className={`tag${r.verification === 'verified' ? ' ok' : ''}`}>{r.verification}</span>{' '}
                      {REPORT_VERDICT[r.verification]}
                    </p>
                    <ol>
                      {r.messages.map((m, i) => (
                        <li key={i}>
                          <b>{m.sender ?? '?'}</b> {m.text}{' '}
                          {m.franking_verified ? (
                            <span className="tag ok">verified</span>
                          ) : (
                            <span className="tag">not verified</span>
                          )}
                        </li>
                      ))}
                    </ol>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}

        {media.length > 0 && (
          <section aria-labelledby="media">
            <h2 id="media">Media</h2>
            <p className="muted">
              Read the context above first. Each item stays hidden until you reveal it (r); every view is logged.
            </p>
            <div className="media-grid">
              {media.map((m) => (
                <MediaItem key={`${m.kind}:${m.id}`} item={m} taskId={reviewItem?.id ?? 0} wellness={wellness} />
              ))}
            </div>
          </section>
        )}

        {subject && (
          <section aria-labelledby="profile">
            <h2 id="profile">Profile</h2>
            <dl className="profile">
              {(
                [
                  ['username', 'Username'],
                  ['display_name', 'Display name'],
                  ['bio', 'Bio'],
                  ['name', 'Name'],
                  ['description', 'Description'],
                  ['invite_link', 'Invite link'],
                  ['member_count', 'Members'],
                  ['created_at', 'Created'],
                  ['first_seen_at', 'First seen'],
                ] as const
              )
                .map(([k, label]) => [label, (subject as Record<string, unknown>)[k]] as const)
                .filter(([, v]) => v !== undefined && v !== null)
                .map(([label, v]) => (
                  <div key={label}>
                    <dt>{label}</dt>
                    <dd>{String(v)}</dd>
                  </div>
                ))}
            </dl>
            {'members' in subject && (
              <p>
                {subject.members.length} current member{subject.members.length === 1 ? '' : 's'} (each links to the
                member's cases):{' '}
                {subject.members.slice(0, 30).map((m, i) => (
                  <span key={m.account_id}>
                    {i > 0 && ', '}
                    <Link
                      to={`/queue?status=all&q=${encodeURIComponent(m.account_id)}`}
                      title={`joined ${m.joined_at}`}
                    >
                      {m.account_id}
                    </Link>
                  </span>
                ))}
                {subject.members.length > 30 ? ' …' : ''}
              </p>
            )}
          </section>
        )}

        <section aria-labelledby="history">
          <h2 id="history">Enforcement history</h2>
          {c.enforcement.length === 0 ? (
            <p className="muted">No actions so far.</p>
          ) : (
            <ul className="history">
              {c.enforcement.map((a) => (
                <li key={`${a.id}-${a.via?.action_id ?? ''}`}>
                  <b>{a.action.replace(/_/g, ' ')}</b> — {a.status.replace(/_/g, ' ')} — {a.reason} ({age(a.created_at)}{' '}
                  ago, by <span title={`staff ${a.decided_by.id}`}>{a.decided_by.username}</span>)
                  {a.via && (
                    <>
                      {' '}
                      · through group <span title={a.via.group_id}>{a.via.group_label}</span>
                    </>
                  )}
                  {a.case_id && a.case_id !== c.id && (
                    <>
                      {' '}
                      · <Link to={`/cases/${a.case_id}`}>case {a.case_id}</Link>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          {c.other_cases.length > 0 && (
            <>
              <h3>Other cases about this {c.subject.type}</h3>
              <ul>
                {c.other_cases.map((o) => (
                  <li key={o.id}>
                    <Link to={`/cases/${o.id}`}>Case {o.id}</Link> — {o.status}
                    {o.resolution ? ` (${o.resolution.replace(/_/g, ' ')})` : ''}, opened {age(o.opened_at)} ago
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>

        <section aria-labelledby="notes">
          <h2 id="notes">Notes</h2>
          {notes.length === 0 ? (
            <p className="muted">No notes yet.</p>
          ) : (
            <ul className="notes">
              {notes.map((n) => (
                <li key={n.id}>
                  <b title={n.actor.id ? `staff ${n.actor.id}` : undefined}>{n.actor.label}</b>, {age(n.at)} ago:{' '}
                  {String((n.data as { text?: string }).text ?? '')}
                </li>
              ))}
            </ul>
          )}
          {c.allowed.note && (
            <form
              className="note-form"
              onSubmit={(e) => {
                e.preventDefault();
                void act('Note added.', () => api('POST', `/v1/cases/${caseId}/notes`, { text: note })).then(() =>
                  setNote(''),
                );
              }}
            >
              <label htmlFor="note">Add a note</label>
              <textarea id="note" value={note} onChange={(e) => setNote(e.target.value)} rows={2} required />
              <button type="submit" disabled={busy}>
                Add note
              </button>
            </form>
          )}
        </section>

        <section aria-labelledby="log">
          <h2 id="log">Case history</h2>
          <ol className="log">
            {[...c.log].reverse().map((l) => (
              <li key={l.id}>
                <time dateTime={l.at} title={l.at}>
                  {age(l.at)} ago
                </time>{' '}
                <b title={l.actor.id ? `${l.actor.kind} ${l.actor.id}` : undefined}>{l.actor.label}</b>{' '}
                {LOG_LABELS[l.kind] ?? l.kind} {logText(l)}
              </li>
            ))}
          </ol>
          <details>
            <summary>Event timeline ({timeline.length})</summary>
            <ol className="timeline">
              {timeline.map((e) => (
                <li key={e.seq}>
                  <time>{e.occurred_at}</time> {e.type}
                </li>
              ))}
            </ol>
          </details>
        </section>
      </main>

      <aside className="decision-panel" ref={panel} aria-labelledby="decide-title">
        <h2 id="decide-title">Decision</h2>
        {message && (
          <p className="notice" role="status">
            {message}
          </p>
        )}
        {c.status !== 'open' ? (
          <p>This case is closed{c.resolution ? `: ${c.resolution.replace(/_/g, ' ')}` : ''}.</p>
        ) : (
          <>
            {c.allowed.claim && (
              <button className="primary" onClick={claim} disabled={busy}>
                Claim this case (c)
              </button>
            )}
            {c.claimed_by && !mine && <p>{c.claimed_by.username} is reviewing this case.</p>}
            {c.allowed.release && (
              <button className="secondary" onClick={release} disabled={busy}>
                Release
              </button>
            )}
            {mine && decisions.length === 0 && (
              <p>
                There is nothing in this case you may decide:{' '}
                {c.queue === 'appeals'
                  ? 'appeals go to a reviewer who did not decide the action.'
                  : c.queue === 'approvals'
                    ? 'a second reviewer must approve your own proposal.'
                    : c.queue === 'escalated'
                      ? 'it was escalated, so a lead decides it.'
                      : 'ask a lead.'}
              </p>
            )}
            {!mine && !c.claimed_by && decisions.length === 0 && !c.allowed.claim && (
              <p>You cannot decide this case.</p>
            )}
            {mine && decisions.length > 0 && (
              <form onSubmit={submit(false)} className="decide">
                <fieldset>
                  <legend>Decision</legend>
                  {decisions.map((d) => (
                    <label key={d} className="choice">
                      <input
                        type="radio"
                        name="decision"
                        value={d}
                        checked={decision === d}
                        onChange={() => choose(d)}
                        required
                      />{' '}
                      {DECISION_LABELS[d] ?? d}
                    </label>
                  ))}
                </fieldset>
                {WITH_ACTIONS.has(decision) && (
                  <fieldset>
                    <legend>
                      Actions
                      {decision === 'apparent_csam' && c.default_actions.length > 0
                        ? ' (the default is ticked; change it if needed)'
                        : ''}
                    </legend>
                    {(ACTIONS[c.subject.type] ?? []).map(([a, label]) => (
                      <label key={a} className="choice">
                        <input
                          type="checkbox"
                          name={`action-${a}`}
                          checked={chosen.includes(a)}
                          onChange={(e) => setChosen(e.target.checked ? [...chosen, a] : chosen.filter((x) => x !== a))}
                        />{' '}
                        {label}
                      </label>
                    ))}
                    {chosen.includes('suspend') && (
                      <label>
                        Days{' '}
                        <input type="number" min={1} value={days} onChange={(e) => setDays(Number(e.target.value))} />
                      </label>
                    )}
                    {chosen.length === 0 && <p className="muted small">No action will be taken.</p>}
                  </fieldset>
                )}
                {decision === 'not_violating' && (
                  <label className="choice">
                    <input type="checkbox" checked={allowlist} onChange={(e) => setAllowlist(e.target.checked)} /> Add
                    the matched hash to the false-positive allowlist
                  </label>
                )}
                <label htmlFor="reason">Reason (the flagger and the audit log see it)</label>
                <textarea id="reason" value={reason} onChange={(e) => setReason(e.target.value)} rows={2} required />
                <div className="buttons">
                  <button type="submit" className="secondary" disabled={busy}>
                    Decide
                  </button>
                  <button
                    type="button"
                    className="primary"
                    disabled={busy}
                    onClick={() => {
                      const f = panel.current?.querySelector('form');
                      if (f?.reportValidity()) void submit(true)();
                    }}
                  >
                    Decide and next
                  </button>
                </div>
              </form>
            )}
          </>
        )}
      </aside>
    </div>
  );
}
