import { useEffect, useState } from 'react';
import { api } from './api.ts';
import type { Body, Flag } from './api/types.ts';
import { age } from './Queue.tsx';

/** A lead's view of flags from outside: overdue ones first (past their category's deadline). */
export function Flags() {
  const [overdue, setOverdue] = useState(true);
  const [flags, setFlags] = useState<Flag[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    api<Body<'/v1/flags'>>('GET', `/v1/flags?limit=500${overdue ? '&overdue=true' : ''}`).then(
      (r) => setFlags(r.flags),
      (e) => setError(e.message),
    );
  }, [overdue]);
  return (
    <main>
      <div className="filters">
        <label>
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> Only overdue
        </label>
        <span className="muted">{flags.length} flag(s)</span>
        {error && <span className="error">{error}</span>}
      </div>
      <table className="tasks flags">
        <thead>
          <tr>
            <th>Reference</th>
            <th>Category</th>
            <th>Subject</th>
            <th>Status</th>
            <th>Received</th>
            <th>Deadline</th>
          </tr>
        </thead>
        <tbody>
          {flags.map((f) => (
            <tr key={f.reference} className={f.escalated ? 'escalated' : ''}>
              <td>{f.reference}</td>
              <td>{f.category}</td>
              <td>
                {f.resolved
                  ? `${f.resolved.type} ${f.resolved.id}`
                  : `${f.subject.kind} ${f.subject.value} (not seen yet)`}
              </td>
              <td>
                {f.status}
                {f.escalated && ' · escalated'}
              </td>
              <td>{age(f.created_at)} ago</td>
              <td>{f.deadline_at}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
