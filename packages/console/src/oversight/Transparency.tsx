// Transparency figures for a chosen period: the same numbers as `vigil transparency` (one server function
// computes both), in words a reader understands, with charts, tables and a CSV download.
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { navigate } from '../router.ts';
import { BarChart, downloadCsv, Field, fieldErrors, Page, Status, useLoad } from '../ui.tsx';
import { labels } from './labels.ts';

type Counts = Record<string, number>;
interface Figures {
  period: { from: string; to: string };
  cybertipline_reports_by_incident_type: Counts;
  decisions_by_outcome: Counts;
  actions_by_type: Counts;
  subjects_actioned: { accounts: number; groups: number };
  accounts_banned: { total: number; with_their_group: number };
  groups_taken_down: number;
  hash_matches_by_bank: Counts;
  user_reports: { received: number; verified: number; rejected_as_forged: number; note: string };
  appeals: { filed: number; upheld: number; reversed: number; pending: number };
  reversals: number;
  law_enforcement_requests_by_type: Counts;
  law_enforcement_requests_by_outcome: Counts;
}
type Loaded = { figures: Figures } | { invalid: Record<string, string> };

const sum = (c: Counts) => Object.values(c).reduce((n, v) => n + v, 0);
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** The key figures, each a sentence-like label: the table, the CSV and the tests read the same list. */
function keyFigures(t: Figures): [string, number][] {
  return [
    ['Accounts banned', t.accounts_banned.total],
    ['… of which banned with their group', t.accounts_banned.with_their_group],
    ['Groups taken down', t.groups_taken_down],
    ['Reports sent to NCMEC', sum(t.cybertipline_reports_by_incident_type)],
    ['Accounts with any enforcement action', t.subjects_actioned.accounts],
    ['Groups with any enforcement action', t.subjects_actioned.groups],
    ['User reports received', t.user_reports.received],
    ['… verified from the reported messages', t.user_reports.verified],
    ['… rejected as forged', t.user_reports.rejected_as_forged],
    ['Appeals filed', t.appeals.filed],
    ['… upheld (action stands)', t.appeals.upheld],
    ['… granted (action reversed)', t.appeals.reversed],
    ['… waiting for a decision', t.appeals.pending],
    ['Actions reversed', t.reversals],
  ];
}

/** Breakdowns: [heading, the API's counts, the words for each code]. */
function breakdowns(t: Figures): [string, Counts, (k: string) => string][] {
  return [
    ['Reports sent to NCMEC, by incident type', t.cybertipline_reports_by_incident_type, labels.incident],
    ['Review decisions, by outcome', t.decisions_by_outcome, labels.decision],
    ['Enforcement actions, by kind', t.actions_by_type, labels.action],
    ['Hash matches, by list', t.hash_matches_by_bank, labels.bank],
    ['Law-enforcement requests, by kind', t.law_enforcement_requests_by_type, labels.leKind],
    ['Law-enforcement requests, by outcome', t.law_enforcement_requests_by_outcome, labels.leOutcome],
  ];
}

export function TransparencyScreen({ search }: { search: URLSearchParams }) {
  const from = search.get('from') || `${today().slice(0, 4)}-01-01`;
  const to = search.get('to') || today();
  const loaded = useLoad<Loaded>(
    () => api<Figures>('GET', `/v1/legal/transparency?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`).then(
      (figures) => ({ figures }),
      (e) => {
        if (e instanceof ApiError && e.status === 400 && Object.keys(fieldErrors(e)).length) {
          // "to must be after from" → a sentence about the dates the form calls first and last day.
          const words = (m: string) => m.replace(/^to must be after from$/, 'The last day must not be before the first.').replace(/^from and to must be dates.*$/, 'Give a date (YYYY-MM-DD).');
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
    const rows: (string | number)[][] = keyFigures(t).map(([k, v]) => ['Key figures', k.replace(/^… /, ''), v]);
    for (const [title, counts, word] of breakdowns(t)) for (const [k, v] of Object.entries(counts)) rows.push([title, word(k), v]);
    downloadCsv(`vigil-transparency-${t.period.from.slice(0, 10)}-to-${lastDay}.csv`, ['Section', 'Figure', 'Value'], rows);
  };

  return (
    <Page title="Transparency report" actions={t && <button onClick={csv}>Download CSV</button>}>
      <Period key={`${from}/${to}`} from={from} to={to} errors={invalid} />
      <Status loaded={loaded} />
      {t && (
        <div className="transparency">
          <p className="muted">
            {t.period.from.slice(0, 10)} to {lastDay} (UTC, both days included). Every figure is counted from the service's records for the period,
            the same numbers as <code>vigil transparency</code>.
          </p>
          <section aria-labelledby="key-h">
            <h2 id="key-h">Key figures</h2>
            <div className="table-wrap">
              <table className="data key-figures">
                <caption className="visually-hidden">Key figures for the period</caption>
                <tbody>
                  {keyFigures(t).map(([k, v]) => (
                    <tr key={k} className={k.startsWith('…') ? 'sub' : ''}><th scope="row">{k}</th><td className="num">{v.toLocaleString()}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small">Members banned with their group are counted as banned accounts. User reports: {t.user_reports.note}.</p>
          </section>
          <div className="breakdowns">
            {breakdowns(t).map(([title, counts, word], i) => <Breakdown key={title} id={`bd-${i}`} title={title} counts={counts} word={word} />)}
          </div>
        </div>
      )}
    </Page>
  );
}

function Breakdown({ id, title, counts, word }: { id: string; title: string; counts: Counts; word: (k: string) => string }) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? <p className="muted">None in this period.</p> : (
        <>
          <BarChart title={title} bars={rows.map(([k, v]) => ({ label: shorten(word(k)), value: v, title: `${word(k)}: ${v}` }))} />
          <div className="table-wrap">
            <table className="data">
              <caption className="visually-hidden">{title}</caption>
              <tbody>
                {rows.map(([k, v]) => <tr key={k}><th scope="row">{word(k)}</th><td className="num">{v.toLocaleString()}</td></tr>)}
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
      <Field label="First day" error={err.from}>{(a) => <input {...a} name="from" type="date" value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} />}</Field>
      <Field label="Last day (included)" error={err.to}>{(a) => <input {...a} name="to" type="date" value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} />}</Field>
      <div className="buttons">
        <button type="submit" className="primary">Show figures</button>
        <button type="button" className="secondary" onClick={() => go({ from: daysAgo(29), to: today() })}>Last 30 days</button>
        <button type="button" className="secondary" onClick={() => go({ from: `${year}-01-01`, to: today() })}>This year</button>
        <button type="button" className="secondary" onClick={() => go({ from: `${Number(year) - 1}-01-01`, to: `${Number(year) - 1}-12-31` })}>Last year</button>
      </div>
    </form>
  );
}
