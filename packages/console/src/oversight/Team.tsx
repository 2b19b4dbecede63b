// The leads' dashboard: open work by queue and age, decisions per day, appeal outcomes, time to decision and
// the reviewers' media exposure today. Every chart has its numbers in a table beside it.
import { api } from '../api.ts';
import type { Dashboard } from '../api/types.ts';
import { navigate } from '../router.ts';
import { BarChart, ColumnChart, Page, Status, useLoad } from '../ui.tsx';
import { duration, labels } from './labels.ts';

const PERIODS = [7, 30, 90];
const shortDay = (d: string) => `${Number(d.slice(8, 10))}/${Number(d.slice(5, 7))}`;

export function TeamScreen({ search }: { search: URLSearchParams }) {
  const days = PERIODS.includes(Number(search.get('days'))) ? Number(search.get('days')) : 30;
  const loaded = useLoad(() => api<Dashboard>('GET', `/v1/team/dashboard?days=${days}`), [days]);
  const d = loaded.data;
  return (
    <Page
      title="Team"
      actions={
        <label className="period">
          Period{' '}
          <select value={days} onChange={(e) => navigate(`/team?days=${e.target.value}`)}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                Last {p} days
              </option>
            ))}
          </select>
        </label>
      }
    >
      <Status loaded={loaded} />
      {d && (
        <div className="dashboard">
          <OpenCases d={d} />
          <Decisions d={d} />
          <TimeToDecision d={d} />
          <Appeals d={d} />
          <Exposure d={d} />
          <p className="muted small">
            Figures as of {d.generated_at.slice(0, 16).replace('T', ' ')} UTC; days are UTC days.
          </p>
        </div>
      )}
    </Page>
  );
}

function OpenCases({ d }: { d: Dashboard }) {
  const total = d.open_cases.reduce((n, q) => n + q.total, 0);
  const byAge = d.age_buckets.map((b) => ({
    label: b.label,
    value: d.open_cases.reduce((n, q) => n + (q.by_age[b.key] ?? 0), 0),
  }));
  return (
    <section aria-labelledby="open-h">
      <h2 id="open-h">Open cases ({total.toLocaleString()})</h2>
      {total === 0 ? (
        <p className="muted">No open cases.</p>
      ) : (
        <>
          <div className="charts">
            <BarChart
              title="Open cases by queue"
              bars={d.open_cases.map((q) => ({ label: labels.queue(q.queue), value: q.total }))}
            />
            <BarChart title="Open cases by age" bars={byAge} />
          </div>
          <p className="muted small">Open cases by queue and by how long they have been open:</p>
          <div className="table-wrap">
            <table className="data">
              <caption className="visually-hidden">Open cases by queue and by how long they have been open</caption>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  {d.age_buckets.map((b) => (
                    <th key={b.key} scope="col" className="num">
                      {b.label}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    All
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.open_cases.map((q) => (
                  <tr key={q.queue}>
                    <th scope="row">{labels.queue(q.queue)}</th>
                    {d.age_buckets.map((b) => (
                      <td key={b.key} className={`num${b.key === 'over_7d' && q.by_age[b.key] ? ' overdue' : ''}`}>
                        {(q.by_age[b.key] ?? 0).toLocaleString()}
                      </td>
                    ))}
                    <td className="num">
                      <strong>{q.total.toLocaleString()}</strong>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Decisions({ d }: { d: Dashboard }) {
  const kinds = [...new Set(d.decisions_per_day.flatMap((x) => Object.keys(x.by_decision)))].sort();
  const total = d.decisions_per_day.reduce((n, x) => n + x.total, 0);
  return (
    <section aria-labelledby="dec-h">
      <h2 id="dec-h">
        Decisions per day ({total.toLocaleString()} in {d.days} days)
      </h2>
      <ColumnChart
        title={`Review decisions per day, last ${d.days} days`}
        bars={d.decisions_per_day.map((x) => ({
          label: shortDay(x.day),
          value: x.total,
          title: `${x.day}: ${x.total}`,
        }))}
      />
      <details>
        <summary>Decisions per day as a table</summary>
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Decisions per day by decision</caption>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                {kinds.map((k) => (
                  <th key={k} scope="col" className="num">
                    {labels.decision(k)}
                  </th>
                ))}
                <th scope="col" className="num">
                  All
                </th>
              </tr>
            </thead>
            <tbody>
              {[...d.decisions_per_day].reverse().map((x) => (
                <tr key={x.day}>
                  <th scope="row" className="nowrap">
                    {x.day}
                  </th>
                  {kinds.map((k) => (
                    <td key={k} className="num">
                      {x.by_decision[k] ?? 0}
                    </td>
                  ))}
                  <td className="num">
                    <strong>{x.total}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

function TimeToDecision({ d }: { d: Dashboard }) {
  const rows = d.time_to_decision;
  return (
    <section aria-labelledby="ttd-h">
      <h2 id="ttd-h">Time to decision</h2>
      <p className="muted small">
        From an item entering its queue to its closing, for items closed in the last {d.days} days. Half were closed
        within the median (p50); nine in ten within p90.
      </p>
      {rows.length === 0 ? (
        <p className="muted">Nothing was closed in this period.</p>
      ) : (
        <>
          <BarChart
            title="Time to decision, p90, in hours"
            bars={rows.map((r) => ({
              label: labels.queue(r.queue),
              value: Math.round((r.p90_seconds / 3600) * 10) / 10,
              title: `${labels.queue(r.queue)}: p90 ${duration(r.p90_seconds)}`,
            }))}
            unit=" h"
          />
          <div className="table-wrap">
            <table className="data">
              <caption className="visually-hidden">Time to decision by queue</caption>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col" className="num">
                    Items closed
                  </th>
                  <th scope="col" className="num">
                    Median (p50)
                  </th>
                  <th scope="col" className="num">
                    p90
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.queue}>
                    <th scope="row">{labels.queue(r.queue)}</th>
                    <td className="num">{r.closed.toLocaleString()}</td>
                    <td className="num">{duration(r.p50_seconds)}</td>
                    <td className="num">{duration(r.p90_seconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Appeals({ d }: { d: Dashboard }) {
  const total = d.appeals.reduce((n, a) => n + a.count, 0);
  return (
    <section aria-labelledby="app-h">
      <h2 id="app-h">Appeal outcomes</h2>
      <p className="muted small">Appeals filed in the last {d.days} days, by where they stand now.</p>
      {total === 0 ? (
        <p className="muted">No appeals in this period.</p>
      ) : (
        <>
          <BarChart
            title="Appeals by outcome"
            bars={d.appeals.map((a) => ({ label: labels.appeal(a.status), value: a.count }))}
          />
          <div className="table-wrap">
            <table className="data">
              <caption className="visually-hidden">Appeals by outcome</caption>
              <thead>
                <tr>
                  <th scope="col">Outcome</th>
                  <th scope="col" className="num">
                    Appeals
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.appeals.map((a) => (
                  <tr key={a.status}>
                    <th scope="row">{labels.appeal(a.status)}</th>
                    <td className="num">{a.count.toLocaleString()}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">All</th>
                  <td className="num">
                    <strong>{total.toLocaleString()}</strong>
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Exposure({ d }: { d: Dashboard }) {
  const e = d.exposure;
  return (
    <section aria-labelledby="exp-h">
      <h2 id="exp-h">Reviewer exposure today ({e.day})</h2>
      <p className="muted small">
        Media reveals per reviewer. A break is asked for after {e.soft_limit} reveals; reveals stop at {e.hard_limit} a
        day.
      </p>
      {e.reviewers.length === 0 ? (
        <p className="muted">Nobody has revealed media today.</p>
      ) : (
        <>
          <BarChart
            title="Media reveals today"
            bars={e.reviewers.map((r) => ({ label: r.username, value: r.reveals }))}
          />
          <div className="table-wrap">
            <table className="data">
              <caption className="visually-hidden">Reviewer exposure today</caption>
              <thead>
                <tr>
                  <th scope="col">Reviewer</th>
                  <th scope="col" className="num">
                    Revealed
                  </th>
                  <th scope="col" className="num">
                    Since last break
                  </th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {e.reviewers.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">{r.username}</th>
                    <td className="num">{r.reveals}</td>
                    <td className="num">{r.since_break}</td>
                    <td className={r.limit_reached ? 'overdue' : r.break_due ? 'due-soon' : ''}>
                      {r.limit_reached ? 'Daily limit reached' : r.break_due ? 'Break due' : 'Fine'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
