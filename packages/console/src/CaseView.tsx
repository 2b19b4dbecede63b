import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, type Signal, type Staff, type Task, type TimelineEvent } from './api.ts';
import { age } from './Queue.tsx';
import { MediaItem, type MediaRef, type Wellness } from './Media.tsx';

type TaskDetail = Task & { rules: { id: number; name: string; version: number }[]; ref: { action_id?: number; appeal_id?: number } | null };
interface Action { id: number; action: string; status: string; reason: string; params: Record<string, unknown>; created_at: string; decided_by: number }
interface Appeal { id: number; action_id: number; status: string; statement: string; reason: string | null }
interface Member { account_id: string; joined_at: string }
interface Report { id: string; reporter_id: string; reason: string | null; comment: string | null; filed_at: string; messages: { sender: string | null; sent_at: string | null; text: string | null; franking_verified: boolean }[] }

const SEVERITY = ['info', 'low', 'medium', 'high', 'critical'];
const DECISIONS: [string, string][] = [
  ['apparent_csam', 'Apparent child sexual abuse material'],
  ['policy_violation', 'Other policy violation'],
  ['not_violating', 'Not violating'],
  ['escalate', 'Escalate to a lead'],
];
const ACTIONS: Record<string, [string, string][]> = {
  account: [['ban', 'Ban'], ['suspend', 'Suspend'], ['restrict', 'Restrict (forwarding, groups)'], ['remove_avatar', 'Remove profile photo'], ['reset_name', 'Reset name'], ['strike', 'Strike only']],
  group: [['takedown_group', 'Take the group down (second approval)'], ['ban_members', 'Ban all members (second approval)'], ['revoke_invites', 'Revoke invite links'], ['remove_avatar', 'Remove group photo'], ['reset_name', 'Reset name']],
};

export function CaseView({ taskId, staff, wellness, onBack }: { taskId: number; staff: Staff; wellness: Wellness; onBack: () => void }) {
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [subject, setSubject] = useState<Record<string, any> | null>(null);
  const [signals, setSignals] = useState<Signal[]>([]);
  const [timeline, setTimeline] = useState<TimelineEvent[]>([]);
  const [history, setHistory] = useState<{ actions: Action[]; strikes: number }>({ actions: [], strikes: 0 });
  const [appeal, setAppeal] = useState<Appeal | null>(null);
  const [reports, setReports] = useState<Report[] | null>(null);
  const [memberSignals, setMemberSignals] = useState<Record<string, Signal[]>>({});
  const [message, setMessage] = useState('');
  const [decision, setDecision] = useState('');
  const [reason, setReason] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [days, setDays] = useState(7);
  const [allowlist, setAllowlist] = useState(false);

  const load = useCallback(async () => {
    const t = await api<TaskDetail>('GET', `/v1/tasks/${taskId}`);
    setTask(t);
    const q = `subject_type=${encodeURIComponent(t.subject_type)}&subject_id=${encodeURIComponent(t.subject_id)}&platform=${encodeURIComponent(t.platform)}`;
    const [sig, tl, hist] = await Promise.all([
      api<{ signals: Signal[] }>('GET', `/v1/signals?${q}`),
      api<{ events: TimelineEvent[] }>('GET', `/v1/events?${q}`),
      api<{ actions: Action[]; strikes: number }>('GET', `/v1/actions?${q}`),
    ]);
    setSignals(sig.signals);
    setTimeline(tl.events);
    setHistory(hist);
    setAppeal(t.ref?.appeal_id ? await api<Appeal>('GET', `/v1/appeals/${t.ref.appeal_id}`) : null);
    setReports(null); // reported content is evidence: loaded (and audited) only when the reviewer asks
    const path = t.subject_type === 'account' ? 'accounts' : t.subject_type === 'group' ? 'groups' : null;
    const subj = path ? await api<Record<string, any>>('GET', `/v1/${path}/${encodeURIComponent(t.subject_id)}?platform=${encodeURIComponent(t.platform)}`).catch(() => null) : null;
    setSubject(subj);
    if (subj?.members) {
      // For a group, each member's own signals (the first 50 members).
      const entries = await Promise.all(
        (subj.members as Member[]).slice(0, 50).map(async (m) => [m.account_id, (await api<{ signals: Signal[] }>('GET', `/v1/signals?subject_type=account&subject_id=${encodeURIComponent(m.account_id)}&platform=${encodeURIComponent(t.platform)}`)).signals] as const),
      );
      setMemberSignals(Object.fromEntries(entries));
    }
  }, [taskId]);

  useEffect(() => {
    load().catch((e) => setMessage(e.message));
  }, [load]);

  const act = useCallback(
    async (what: string, f: () => Promise<unknown>) => {
      setMessage('');
      try {
        await f();
        await load();
        setMessage(what);
      } catch (e) {
        setMessage((e as Error).message);
      }
    },
    [load],
  );

  // Keyboard shortcuts for the common path: c claims, n picks "not violating", Escape goes back.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const tag = (e.target as HTMLElement).tagName;
      if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
      if (e.key === 'c') act('Claimed', () => api('POST', `/v1/tasks/${taskId}/claim`));
      if (e.key === 'n') setDecision('not_violating');
      if (e.key === 'Escape') onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [act, taskId, onBack]);

  if (!task) return <p className="muted">{message || 'Loading case…'}</p>;
  const mine = task.claimed_by === staff.id;
  const pendingAction = task.queue === 'approvals' && task.ref?.action_id ? history.actions.find((a) => a.id === task.ref!.action_id && a.status === 'pending_approval') : undefined;

  // Media the reviewer may reveal: profile or group photo, and media named by the signals.
  const media: MediaRef[] = [];
  if (subject?.avatar?.url) media.push({ kind: task.subject_type === 'group' ? 'group_avatar' : 'account_avatar', id: task.subject_id, platform: task.platform, label: task.subject_type === 'group' ? 'group photo' : 'profile photo', mime: subject.avatar.mime });
  for (const s of signals) {
    const id = s.evidence.media_id as string | undefined;
    if (id && !media.some((m) => m.kind === 'media' && m.id === id)) media.push({ kind: 'media', id, platform: task.platform, label: `shared media ${id}` });
    // Private matching: the encrypted attachments this account's vouchers opened.
    for (const o of (s.evidence.openings as { opening_id: number; sha256: string }[] | undefined) ?? []) {
      if (!media.some((m) => m.kind === 'psi_opening' && m.id === String(o.opening_id))) media.push({ kind: 'psi_opening', id: String(o.opening_id), platform: task.platform, label: `matched attachment ${o.sha256.slice(0, 12)}…` });
    }
  }

  const decide = (e: FormEvent) => {
    e.preventDefault();
    const actions = chosen.map((a) => (a === 'suspend' ? { action: a, days } : a === 'ban_members' ? { action: a, member_ids: (subject?.members ?? []).map((m: Member) => m.account_id) } : { action: a }));
    act('Decision recorded', () => api('POST', `/v1/tasks/${taskId}/decision`, { decision, reason, ...(actions.length ? { actions } : {}), ...(decision === 'not_violating' && allowlist ? { allowlist: true } : {}) }));
  };

  return (
    <main className="case">
      <button onClick={onBack}>← Queue</button>
      <h2>
        {task.subject_type} {task.subject_id} <span className={`prio p${Math.min(3, Math.floor(task.priority / 25))}`}>{task.priority}</span>
      </h2>
      <p>
        Queue <b>{task.queue}</b> · {task.reason} · opened {age(task.created_at)} ago · status <b data-testid="status">{task.status}</b>
        {task.claimed_by && <> · claimed by {mine ? 'you' : `staff ${task.claimed_by}`}</>}
      </p>
      {message && <p className="notice" role="status">{message}</p>}

      {task.verdicts.length > 0 && (
        <section>
          <h3>Why it is here</h3>
          <ul className="verdicts">
            {task.verdicts.map((v, i) => {
              const rule = task.rules.find((r) => r.id === v.rule_id);
              return (
                <li key={i}>
                  rule <b>{rule?.name ?? v.rule_id}</b> v{v.rule_version}: {v.outcome.reason ?? v.outcome.type} (event {v.event_id})
                </li>
              );
            })}
          </ul>
        </section>
      )}

      {appeal && (
        <section className="appeal">
          <h3>Appeal against action {appeal.action_id}</h3>
          <blockquote>{appeal.statement}</blockquote>
          <p>Status: <b>{appeal.status}</b> {appeal.reason && `(${appeal.reason})`}</p>
        </section>
      )}

      <section>
        <h3>Signals</h3>
        {signals.length === 0 && <p className="muted">No signals.</p>}
        <ul className="signals">
          {signals.map((s) => (
            <li key={s.id} className={`sev${s.severity}`}>
              <b>{s.kind}</b> <span className="badge">{SEVERITY[s.severity]}</span> {s.summary}
              <dl>
                {Object.entries(s.evidence)
                  .filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0))
                  .map(([k, v]) => (
                    <div key={k}>
                      <dt>{k}</dt>
                      <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
                    </div>
                  ))}
              </dl>
            </li>
          ))}
        </ul>
      </section>

      {subject && (
        <section>
          <h3>Profile (unencrypted surfaces)</h3>
          <dl className="profile">
            {['username', 'display_name', 'bio', 'name', 'description', 'invite_link', 'member_count', 'created_at', 'first_seen_at']
              .filter((k) => subject[k] !== undefined && subject[k] !== null)
              .map((k) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{String(subject[k])}</dd>
                </div>
              ))}
          </dl>
          {Array.isArray(subject.members) && (
            <>
              <h4>{subject.members.length} current member(s)</h4>
              <ul className="members">
                {(subject.members as Member[]).slice(0, 50).map((m) => (
                  <li key={m.account_id}>
                    {m.account_id}{' '}
                    {(memberSignals[m.account_id] ?? []).map((s) => (
                      <span key={s.id} className={`badge sev${s.severity}`} title={s.summary}>
                        {s.kind}
                      </span>
                    ))}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      {timeline.some((e) => e.type === 'report.filed') && (
        <section>
          <h3>User reports</h3>
          {reports === null ? (
            <button onClick={() => api<{ reports: Report[] }>('GET', `/v1/reports?subject_type=${encodeURIComponent(task.subject_type)}&subject_id=${encodeURIComponent(task.subject_id)}&platform=${encodeURIComponent(task.platform)}&task_id=${taskId}`).then((r) => setReports(r.reports), (e) => setMessage(e.message))}>
              Show reported content
            </button>
          ) : (
            <ul className="reports">
              {reports.map((r) => (
                <li key={r.id}>
                  Report {r.id} by {r.reporter_id} ({r.reason ?? 'no reason'}){r.comment && `: ${r.comment}`}
                  <ol>
                    {r.messages.map((m, i) => (
                      <li key={i}>
                        <b>{m.sender ?? '?'}</b> {m.text} {m.franking_verified ? <span className="badge verified">verified</span> : <span className="badge">not verified</span>}
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
        <section>
          <h3>Media</h3>
          <p className="muted">Read the context above first. Each item stays hidden until you reveal it; every view is logged.</p>
          <div className="media-grid">
            {media.map((m) => (
              <MediaItem key={`${m.kind}:${m.id}`} item={m} taskId={taskId} wellness={wellness} />
            ))}
          </div>
        </section>
      )}

      <section>
        <h3>Enforcement history</h3>
        {history.actions.length === 0 ? <p className="muted">None.</p> : (
          <ul className="history">
            {history.actions.map((a) => (
              <li key={a.id}>
                #{a.id} <b>{a.action}</b> — {a.status} — {a.reason} ({age(a.created_at)} ago)
              </li>
            ))}
          </ul>
        )}
        {task.subject_type === 'account' && <p>Strikes: {history.strikes}</p>}
      </section>

      <section>
        <h3>Timeline</h3>
        <ol className="timeline">
          {timeline.map((e) => (
            <li key={e.seq}>
              <time>{e.occurred_at}</time> {e.type}
            </li>
          ))}
        </ol>
      </section>

      {task.status === 'open' && pendingAction && (
        <section className="actions">
          <span>
            Second approval for <b>{pendingAction.action}</b> proposed by staff {pendingAction.decided_by}: {pendingAction.reason}
          </span>
          <input aria-label="reason" placeholder="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button onClick={() => act('Approved', () => api('POST', `/v1/actions/${pendingAction.id}/approval`, { approve: true, reason }))}>Approve</button>
          <button onClick={() => act('Rejected', () => api('POST', `/v1/actions/${pendingAction.id}/approval`, { approve: false, reason }))}>Reject</button>
        </section>
      )}

      {task.status === 'open' && appeal?.status === 'open' && (
        <section className="actions">
          <input aria-label="reason" placeholder="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button onClick={() => act('Appeal upheld', () => api('POST', `/v1/appeals/${appeal.id}/decision`, { outcome: 'uphold', reason }))}>Uphold the action</button>
          <button onClick={() => act('Action reversed', () => api('POST', `/v1/appeals/${appeal.id}/decision`, { outcome: 'reverse', reason }))}>Reverse the action</button>
        </section>
      )}

      {task.status === 'open' && !pendingAction && !appeal && (
        <section className="actions">
          {!mine ? (
            <button onClick={() => act('Claimed', () => api('POST', `/v1/tasks/${taskId}/claim`))}>Claim (c)</button>
          ) : (
            <>
              <button onClick={() => act('Released', () => api('POST', `/v1/tasks/${taskId}/release`))}>Release</button>
              <form onSubmit={decide} className="decide">
                <select aria-label="decision" value={decision} onChange={(e) => setDecision(e.target.value)} required>
                  <option value="">Decision…</option>
                  {DECISIONS.map(([v, label]) => (
                    <option key={v} value={v}>
                      {label}
                    </option>
                  ))}
                </select>
                {decision && decision !== 'not_violating' && decision !== 'escalate' && (
                  <fieldset>
                    <legend>Actions {decision === 'apparent_csam' && '(default: ban or take down)'}</legend>
                    {(ACTIONS[task.subject_type] ?? []).map(([a, label]) => (
                      <label key={a}>
                        <input type="checkbox" name={`action-${a}`} checked={chosen.includes(a)} onChange={(e) => setChosen(e.target.checked ? [...chosen, a] : chosen.filter((x) => x !== a))} /> {label}
                      </label>
                    ))}
                    {chosen.includes('suspend') && (
                      <label>
                        Days <input type="number" min={1} value={days} onChange={(e) => setDays(Number(e.target.value))} />
                      </label>
                    )}
                  </fieldset>
                )}
                {decision === 'not_violating' && (
                  <label>
                    <input type="checkbox" checked={allowlist} onChange={(e) => setAllowlist(e.target.checked)} /> Add the matched hash to the false-positive allowlist
                  </label>
                )}
                <input aria-label="reason" placeholder="Reason" value={reason} onChange={(e) => setReason(e.target.value)} required />
                <button type="submit">Decide</button>
              </form>
            </>
          )}
        </section>
      )}
    </main>
  );
}
