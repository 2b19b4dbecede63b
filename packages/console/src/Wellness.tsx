// Exposure as the server counts it: a meter in the header, the break prompt (kept by the server, so it
// survives reloads until the reviewer confirms a break), and the team's figures for leads.
import { useCallback, useEffect, useState } from 'react';
import { api } from './api.ts';
import type { Exposure, TeamExposure as TeamExposureRows } from './api/types.ts';

export function useExposure(enabled: boolean) {
  const [e, setE] = useState<Exposure | null>(null);
  const refresh = useCallback(() => {
    api<Exposure>('GET', '/v1/me/exposure').then(setE, () => {});
  }, []);
  useEffect(() => {
    if (!enabled) return;
    refresh();
    window.addEventListener('vigil:exposure', refresh);
    const t = setInterval(refresh, 60_000);
    return () => {
      window.removeEventListener('vigil:exposure', refresh);
      clearInterval(t);
    };
  }, [enabled, refresh]);
  return [e, setE] as const;
}

export function ExposureMeter({ e }: { e: Exposure }) {
  return (
    <span
      className="exposure"
      title={`Media revealed today: ${e.reveals} of ${e.hard_limit}; a break is asked for after ${e.soft_limit} since the last one`}
    >
      <label htmlFor="exposure-meter">Media today</label>{' '}
      <meter
        id="exposure-meter"
        min={0}
        max={e.hard_limit}
        low={e.soft_limit}
        high={Math.max(e.soft_limit, e.hard_limit - 1)}
        optimum={0}
        value={e.reveals}
      />{' '}
      {e.reveals}/{e.hard_limit}
    </span>
  );
}

export function BreakPrompt({ e, onBreak }: { e: Exposure; onBreak: (e: Exposure) => void }) {
  const [error, setError] = useState('');
  if (e.limit_reached) {
    return (
      <p className="break" role="alert">
        You have revealed {e.reveals} media items today, the daily limit. Media stays hidden for you until tomorrow
        (UTC). You can still review text evidence and decide cases.
      </p>
    );
  }
  if (!e.break_due) return null;
  return (
    <div className="break" role="alert">
      <p>
        You have revealed {e.since_break} media items since your last break. Step away from the screen for a few
        minutes; media stays hidden until you confirm.
      </p>
      <button
        onClick={() => api<Exposure>('POST', '/v1/me/exposure/break').then(onBreak, (err) => setError(err.message))}
      >
        I have taken a break
      </button>
      {error && <span className="error"> {error}</span>}
    </div>
  );
}

export function TeamExposure() {
  const [team, setTeam] = useState<TeamExposureRows | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<TeamExposureRows>('GET', '/v1/wellness/team').then(setTeam, (e) => setError(e.message));
  }, []);
  if (error) return <p className="error">{error}</p>;
  if (!team)
    return (
      <p className="muted" role="status">
        Loading team exposure…
      </p>
    );
  return (
    <section aria-labelledby="team-exposure">
      <h2 id="team-exposure">Team exposure today ({team.day})</h2>
      <p className="muted">
        A break is asked for after {team.soft_limit} reveals; reveals stop at {team.hard_limit} a day.
      </p>
      {team.reviewers.length === 0 ? (
        <p>Nobody has revealed media today.</p>
      ) : (
        <table className="tasks">
          <thead>
            <tr>
              <th scope="col">Reviewer</th>
              <th scope="col">Revealed</th>
              <th scope="col">Since last break</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {team.reviewers.map((r) => (
              <tr key={r.id}>
                <td title={`staff ${r.id}`}>{r.username}</td>
                <td>{r.reveals}</td>
                <td>{r.since_break}</td>
                <td>{r.limit_reached ? 'daily limit reached' : r.break_due ? 'break due' : 'ok'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
