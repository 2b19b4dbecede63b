import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, type Signal, type Staff, type Task, type TimelineEvent } from './api.ts';
import { age } from './Queue.tsx';

type TaskDetail = Task & { rules: { id: number; name: string; version: number }[] };
const SEVERITY = ['info', 'low', 'medium', 'high', 'critical'];
const DECISIONS: [string, string][] = [
  ['apparent_csam', 'Apparent child sexual abuse material'],
  ['policy_violation', 'Other policy violation'],
  ['not_violating', 'Not violating'],
  ['escalate', 'Escalate to a lead'],
];

export function CaseView({ taskId, staff, onBack }: { taskId: number; staff: Staff; onBack: () => void }) {
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [subject, setSubject] = useState<Record<string, unknown> | null>(null);
  const [signals, setSignals] = useState<Signal[]>([]);
  const [timeline, setTimeline] = useState<TimelineEvent[]>([]);
  const [message, setMessage] = useState('');
  const [decision, setDecision] = useState('');
  const [reason, setReason] = useState('');

  const load = useCallback(async () => {
    const t = await api<TaskDetail>('GET', `/v1/tasks/${taskId}`);
    setTask(t);
    const q = `subject_type=${encodeURIComponent(t.subject_type)}&subject_id=${encodeURIComponent(t.subject_id)}&platform=${encodeURIComponent(t.platform)}`;
    const [sig, tl] = await Promise.all([api<{ signals: Signal[] }>('GET', `/v1/signals?${q}`), api<{ events: TimelineEvent[] }>('GET', `/v1/events?${q}`)]);
    setSignals(sig.signals);
    setTimeline(tl.events);
    const path = t.subject_type === 'account' ? 'accounts' : t.subject_type === 'group' ? 'groups' : null;
    setSubject(path ? await api<Record<string, unknown>>('GET', `/v1/${path}/${encodeURIComponent(t.subject_id)}?platform=${encodeURIComponent(t.platform)}`).catch(() => null) : null);
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
      if ((e.target as HTMLElement).tagName === 'INPUT' || (e.target as HTMLElement).tagName === 'SELECT') return;
      if (e.key === 'c') act('Claimed', () => api('POST', `/v1/tasks/${taskId}/claim`));
      if (e.key === 'n') setDecision('not_violating');
      if (e.key === 'Escape') onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [act, taskId, onBack]);

  if (!task) return <p className="muted">{message || 'Loading case…'}</p>;
  const mine = task.claimed_by === staff.id;
  const decide = (e: FormEvent) => {
    e.preventDefault();
    act('Decision recorded', () => api('POST', `/v1/tasks/${taskId}/decision`, { decision, reason }));
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
          {Array.isArray(subject.members) && <p>{(subject.members as unknown[]).length} current member(s)</p>}
        </section>
      )}

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

      {task.status === 'open' && (
        <section className="actions">
          {!mine ? (
            <button onClick={() => act('Claimed', () => api('POST', `/v1/tasks/${taskId}/claim`))}>Claim (c)</button>
          ) : (
            <>
              <button onClick={() => act('Released', () => api('POST', `/v1/tasks/${taskId}/release`))}>Release</button>
              <form onSubmit={decide}>
                <select aria-label="decision" value={decision} onChange={(e) => setDecision(e.target.value)} required>
                  <option value="">Decision…</option>
                  {DECISIONS.map(([v, label]) => (
                    <option key={v} value={v}>
                      {label}
                    </option>
                  ))}
                </select>
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
