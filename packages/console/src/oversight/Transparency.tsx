// Transparency figures for a chosen period: the same numbers as `vigil transparency` (one server function
// computes both), with charts, tables and a CSV download. The words are the server's: the report carries each
// figure's label, so this screen, the CLI's HTML and the API's HTML say the same thing.
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { navigate } from '../router.ts';
import { BarChart, downloadCsv, Field, fieldErrors, Page, Status, useLoad } from '../ui.tsx';
import type { Transparency } from '../api/types.ts';

type Loaded = { figures: Transparency } | { invalid: Record<string, string> };
type Breakdown = Transparency['breakdowns'][number];

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
/** A sub-figure ("of which …") reads as part of the one above it. */
const figureLabel = (f: Transparency['key_figures'][number]) => (f.part_of ? `… ${f.label}` : f.label);

export function TransparencyScreen({ search }: { search: URLSearchParams }) {
  const from = search.get('from') || `${today().slice(0, 4)}-01-01`;
  const to = search.get('to') || today();
  const loaded = useLoad<Loaded>(
    () =>
      api<Transparency>(
        'GET',
        `/v1/legal/transparency?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      ).then(
        (figures) => ({ figures }),
        (e) => {
          if (e instanceof ApiError && e.status === 400 && Object.keys(fieldErrors(e)).length) {
            // "to must be after from" → a sentence about the dates the form calls first and last day.
            const words = (m: string) =>
              m
                .replace(/^to must be after from$/, 'The last day must not be before the first.')
                .replace(/^from and to must be dates.*$/, 'Give a date (YYYY-MM-DD).');
            return { invalid: Object.fromEntries(Object.entries(fieldErrors(e)).map(([k, m]) => [k, words(m)])) };
          }
          throw e;
        },
      ),
    [from, to],
  );
  const t = loaded.data && 'figures' in loaded.data ? loaded.data.figures : undefined;
  const invalid = loaded.data && 'invalid' in loaded.data ? loaded.data.invalid : {};
  const lastDay = t ? new Date(Date.parse(t.period.to) - 1).toISOString().slice(0, 10) : to;

  const csv = () => {
    if (!t) return;
    const rows: (string | number)[][] = t.key_figures.map((f) => ['Key figures', f.label, f.value]);
    for (const b of t.breakdowns) for (const r of b.rows) rows.push([b.title, r.label, r.value]);
    downloadCsv(
      `vigil-transparency-${t.period.from.slice(0, 10)}-to-${lastDay}.csv`,
      ['Section', 'Figure', 'Value'],
      rows,
    );
  };

  return (
    <Page title="Transparency report" actions={t && <button onClick={csv}>Download CSV</button>}>
      <Period key={`${from}/${to}`} from={from} to={to} errors={invalid} />
      <Status loaded={loaded} />
      {t && (
        <div className="transparency">
          <p className="muted">
            {t.period.from.slice(0, 10)} to {lastDay} (UTC, both days included). Every figure is counted from the
            service's records for the period, the same numbers as <code>vigil transparency</code>.
          </p>
          <section aria-labelledby="key-h">
            <h2 id="key-h">Key figures</h2>
            <div className="table-wrap">
              <table className="data key-figures">
                <caption className="visually-hidden">Key figures for the period</caption>
                <tbody>
                  {t.key_figures.map((f) => (
                    <tr key={f.key} className={f.part_of ? 'sub' : ''}>
                      <th scope="row">{figureLabel(f)}</th>
                      <td className="num">{f.value.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small">
              Members banned with their group are counted as banned accounts. User reports: {t.user_reports.note}.
            </p>
          </section>
          <div className="breakdowns">
            {t.breakdowns.map((b, i) => (
              <BreakdownSection key={b.section} id={`bd-${i}`} breakdown={b} />
            ))}
          </div>
        </div>
      )}
    </Page>
  );
}

/** One breakdown, largest first as the server orders it: a chart and the same numbers in a table. */
function BreakdownSection({ id, breakdown: { title, rows } }: { id: string; breakdown: Breakdown }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">None in this period.</p>
      ) : (
        <>
          <BarChart
            title={title}
            bars={rows.map((r) => ({ label: shorten(r.label), value: r.value, title: `${r.label}: ${r.value}` }))}
          />
          <div className="table-wrap">
            <table className="data">
              <caption className="visually-hidden">{title}</caption>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.code}>
                    <th scope="row">{r.label}</th>
                    <td className="num">{r.value.toLocaleString()}</td>
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

/** Chart labels have room for about 18 characters; the table beside the chart has the whole words. */
const shorten = (s: string) => (s.length > 18 ? `${s.slice(0, 17)}…` : s);

function Period({ from, to, errors }: { from: string; to: string; errors: Record<string, string> }) {
  const [f, setF] = useState({ from, to });
  const [local, setLocal] = useState<Record<string, string>>({});
  const go = (p: { from: string; to: string }) => navigate(`/admin/transparency?from=${p.from}&to=${p.to}`);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!f.from) problems.from = 'Choose the first day.';
    if (!f.to) problems.to = 'Choose the last day.';
    if (f.from && f.to && f.to < f.from) problems.to = 'The last day is before the first.';
    setLocal(problems);
    if (!Object.keys(problems).length) go(f);
  };
  const err = { ...errors, ...local };
  const year = today().slice(0, 4);
  return (
    <form className="period-form" onSubmit={submit} aria-label="Period" noValidate>
      <Field label="First day" error={err.from}>
        {(a) => (
          <input {...a} name="from" type="date" value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} />
        )}
      </Field>
      <Field label="Last day (included)" error={err.to}>
        {(a) => (
          <input {...a} name="to" type="date" value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} />
        )}
      </Field>
      <div className="buttons">
        <button type="submit" className="primary">
          Show figures
        </button>
        <button type="button" className="secondary" onClick={() => go({ from: daysAgo(29), to: today() })}>
          Last 30 days
        </button>
        <button type="button" className="secondary" onClick={() => go({ from: `${year}-01-01`, to: today() })}>
          This year
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => go({ from: `${Number(year) - 1}-01-01`, to: `${Number(year) - 1}-12-31` })}
        >
          Last year
        </button>
      </div>
    </form>
  );
}
