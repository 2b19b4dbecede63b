// Hash exchanges (file/URL lists, peers, NCMEC, ThreatExchange): when each last fetched, where it stands
// (checkpoint), its last error, and "fetch now". Secrets in their configuration never leave the server.
import { useState } from 'react';
import { api } from '../api.ts';
import type { Body, Exchange, FetchResult as RunResult } from '../api/types.ts';
import { Link } from '../link.tsx';
import { Notice, Page, Status, useLoad, when } from '../ui.tsx';
import { plural, useOutcome } from './common.tsx';

const TYPE_LABELS: Record<string, string> = {
  file: 'File or URL list',
  peer: 'Vigil peer',
  ncmec: 'NCMEC hash sharing',
  threatexchange: 'ThreatExchange',
};
const every = (s: number) => (s % 3600 === 0 ? `every ${s / 3600} h` : `every ${Math.round(s / 60)} min`);

/** A checkpoint in a line: where the next fetch resumes (its shape depends on the source). */
function checkpointText(c: unknown): string {
  if (c === null || c === undefined) return 'none (next fetch starts from the beginning)';
  const s = typeof c === 'string' ? c : JSON.stringify(c);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

export function ExchangesScreen() {
  const loaded = useLoad(() => api<Body<'/v1/exchanges'>>('GET', '/v1/exchanges'), []);
  const [running, setRunning] = useState<string | null>(null);
  const { outcome, ok, fail, clear } = useOutcome();
  const exchanges = loaded.data?.exchanges ?? [];

  const fetchNow = async (x: Exchange) => {
    clear();
    setRunning(x.name);
    try {
      const r = await api<RunResult>('POST', `/v1/exchanges/${encodeURIComponent(x.name)}/fetch`);
      // The table shows the new checkpoint and error before the notice says how it went.
      await loaded.reload();
      if (r.status === 'error')
        fail(
          new Error(
            `${x.name}: the fetch failed: ${r.error ?? 'unknown error'}. It resumes from its checkpoint next time.`,
          ),
        );
      else
        ok(
          `${x.name}: fetched ${plural(r.pages, 'page')}; ${plural(r.added, 'entry', 'entries')} added, ${r.removed.toLocaleString()} removed${r.invalid ? `, ${r.invalid.toLocaleString()} invalid skipped` : ''}.`,
        );
    } catch (e) {
      fail(e);
      void loaded.reload();
    } finally {
      setRunning(null);
    }
  };
  const setEnabled = async (x: Exchange, enabled: boolean) => {
    clear();
    try {
      await api('PATCH', `/v1/exchanges/${encodeURIComponent(x.name)}`, { enabled });
      ok(
        enabled
          ? `${x.name} is enabled: it fetches ${every(x.interval_s)}.`
          : `${x.name} is paused: it fetches only when asked.`,
      );
      loaded.reload();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <Page title="Hash exchanges">
      <Notice text={outcome.text} kind={outcome.kind} />
      {running && (
        <p className="muted" role="status">
          Fetching {running}…
        </p>
      )}
      <Status
        loaded={loaded}
        empty={
          loaded.data && !exchanges.length
            ? 'No exchanges yet. Add one through the API (POST /v1/exchanges, described at /docs); each fills a bank of its own name.'
            : false
        }
      />
      {exchanges.length > 0 && (
        <div className="table-wrap">
          <table className="data admin-table">
            <caption className="visually-hidden">Hash exchanges</caption>
            <thead>
              <tr>
                <th scope="col">Exchange</th>
                <th scope="col">Last fetch</th>
                <th scope="col">Last success</th>
                <th scope="col">Last error</th>
                <th scope="col">Checkpoint</th>
                <th scope="col" className="num">
                  Fetched
                </th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {exchanges.map((x) => (
                <tr key={x.name}>
                  <td>
                    <strong>{x.name}</strong>
                    <div className="muted small">
                      {TYPE_LABELS[x.type] ?? x.type}, {every(x.interval_s)}; bank{' '}
                      <Link to={`/admin/banks/${encodeURIComponent(x.bank)}`}>{x.bank}</Link>
                    </div>
                  </td>
                  <td className="nowrap">
                    {x.last_fetch_at ? when(x.last_fetch_at) : <span className="muted">Never</span>}
                  </td>
                  <td className="nowrap">
                    {x.last_success_at ? when(x.last_success_at) : <span className="muted">Never</span>}
                  </td>
                  <td className="wide-text">
                    {x.last_status === 'error' && x.last_error ? (
                      <span className="error">{x.last_error}</span>
                    ) : (
                      <span className="muted">None</span>
                    )}
                  </td>
                  <td className="wide-text">
                    <span className="checkpoint">{checkpointText(x.checkpoint)}</span>
                    {x.full_sync_running && <div className="muted small">full refetch under way</div>}
                  </td>
                  <td className="num">{x.fetched_total.toLocaleString()}</td>
                  <td>
                    {x.enabled ? <span className="state good">Enabled</span> : <span className="state">Paused</span>}
                  </td>
                  <td className="actions-cell">
                    <button aria-label={`Fetch now: ${x.name}`} disabled={running !== null} onClick={() => fetchNow(x)}>
                      {running === x.name ? 'Fetching…' : 'Fetch now'}
                    </button>
                    {x.enabled ? (
                      <button className="secondary" aria-label={`Pause ${x.name}`} onClick={() => setEnabled(x, false)}>
                        Pause
                      </button>
                    ) : (
                      <button className="secondary" aria-label={`Enable ${x.name}`} onClick={() => setEnabled(x, true)}>
                        Enable
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
