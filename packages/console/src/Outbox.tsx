import { useEffect, useState } from 'react';
import { api } from './api.ts';

interface Delivery { id: number; endpoint_id: number; event_type: string; status: string; attempts: number; last_status: number | null; last_error: string | null; created_at: string }

/** Webhook deliveries to the platform, dead letters first; leads and admins can send them again. */
export function Outbox() {
  const [status, setStatus] = useState('dead');
  const [rows, setRows] = useState<Delivery[]>([]);
  const [message, setMessage] = useState('');
  const load = () => api<{ deliveries: Delivery[] }>('GET', `/v1/webhooks/deliveries?status=${status}`).then((r) => setRows(r.deliveries), (e) => setMessage(e.message));
  useEffect(() => {
    load();
  }, [status]);
  return (
    <main>
      <div className="filters">
        <label>
          Deliveries{' '}
          <select aria-label="delivery status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="dead">dead letters</option>
            <option value="pending">pending</option>
            <option value="delivered">delivered</option>
          </select>
        </label>
        {message && <span className="error">{message}</span>}
      </div>
      <table className="tasks outbox">
        <thead>
          <tr><th>#</th><th>Event</th><th>Status</th><th>Attempts</th><th>Last error</th><th /></tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id}>
              <td>{d.id}</td>
              <td>{d.event_type}</td>
              <td>{d.status}</td>
              <td>{d.attempts}</td>
              <td>{d.last_error ?? ''}</td>
              <td>{d.status === 'dead' && <button onClick={() => api('POST', `/v1/webhooks/deliveries/${d.id}/retry`).then(load, (e) => setMessage(e.message))}>Retry</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
