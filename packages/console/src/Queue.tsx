import { useEffect, useState } from 'react';
import { api, type Task } from './api.ts';

export function age(iso: string): string {
  const min = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60_000));
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return `${Math.round(min / 60)} h`;
  return `${Math.round(min / 1440)} d`;
}

export function Queue({ onOpen }: { onOpen: (id: number) => void }) {
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [queues, setQueues] = useState<string[]>([]);
  const [queue, setQueue] = useState('');
  const [subjectType, setSubjectType] = useState('');
  const [severity, setSeverity] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    const q = new URLSearchParams({ ...(queue ? { queue } : {}), ...(subjectType ? { subject_type: subjectType } : {}), ...(severity ? { severity } : {}) });
    api<{ tasks: Task[] }>('GET', `/v1/tasks?${q}`).then(
      (r) => {
        setTasks(r.tasks);
        if (!queue) setQueues([...new Set(r.tasks.map((t) => t.queue))].sort());
      },
      (e) => setError(e.message),
    );
  }, [queue, subjectType, severity]);
  if (error) return <p className="error">{error}</p>;
  if (!tasks) return <p className="muted">Loading tasks…</p>;
  return (
    <main>
      <div className="filters">
        <label>
          Queue{' '}
          <select value={queue} onChange={(e) => setQueue(e.target.value)} aria-label="queue">
            <option value="">all</option>
            {queues.map((q) => (
              <option key={q}>{q}</option>
            ))}
          </select>
        </label>
        <label>
          Subject{' '}
          <select value={subjectType} onChange={(e) => setSubjectType(e.target.value)} aria-label="subject type">
            <option value="">all</option>
            <option>account</option>
            <option>group</option>
            <option>media</option>
          </select>
        </label>
        <label>
          Severity{' '}
          <select value={severity} onChange={(e) => setSeverity(e.target.value)} aria-label="severity">
            <option value="">all</option>
            <option>critical</option>
            <option>high</option>
            <option>medium</option>
            <option>low</option>
          </select>
        </label>
        <span className="muted">{tasks.length} open task(s), highest priority first</span>
      </div>
      <table className="tasks">
        <thead>
          <tr>
            <th>Priority</th>
            <th>Queue</th>
            <th>Subject</th>
            <th>Reason</th>
            <th>Age</th>
            <th>Claimed</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id} data-task={t.id} onClick={() => onOpen(t.id)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && onOpen(t.id)}>
              <td>
                <span className={`prio p${Math.min(3, Math.floor(t.priority / 25))}`}>{t.priority}</span>
              </td>
              <td>{t.queue}</td>
              <td>
                {t.subject_type} {t.subject_id}
              </td>
              <td>{t.reason}</td>
              <td>{age(t.created_at)}</td>
              <td>{t.claimed_by ? `staff ${t.claimed_by}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
