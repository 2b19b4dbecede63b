// CyberTipline reports: every draft a decision made, newest first, filtered by status and paged in the URL.
// Each row opens the report; the case it came from is one link away.
import { api } from '../api.ts';
import type { Body } from '../api/types.ts';
import { Link } from '../link.tsx';
import { navigate } from '../router.ts';
import { Page, Pager, Status, useLoad, when } from '../ui.tsx';
import { PAGE, plural, STATUS_LABELS, subjectLabel, usePage, type ReportStatus } from './common.tsx';

const STATUSES = Object.keys(STATUS_LABELS) as ReportStatus[];

export function ReportsScreen({ search }: { search: URLSearchParams }) {
  const status = STATUSES.includes(search.get('status') as ReportStatus) ? (search.get('status') as ReportStatus) : '';
  const [page, setPage] = usePage(search);
  const loaded = useLoad(
    () =>
      api<Body<'/v1/legal/reports'>>(
        'GET',
        `/v1/legal/reports?limit=${PAGE}&offset=${page * PAGE}${status ? `&status=${status}` : ''}`,
      ),
    [status, page],
  );
  const rows = loaded.data?.reports ?? [];
  const total = loaded.data?.total ?? 0;
  return (
    <Page title="CyberTipline reports">
      <form
        className="filters legal-filters"
        role="search"
        aria-label="Filter reports"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Status{' '}
          <select
            name="status"
            value={status}
            onChange={(e) => navigate(`/legal/reports${e.target.value ? `?status=${e.target.value}` : ''}`)}
          >
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        {loaded.data && (
          <p className="count" role="status">
            {plural(total, 'report')}
            {status ? ` ${STATUS_LABELS[status].toLowerCase()}` : ''}
          </p>
        )}
      </form>
      <Status
        loaded={loaded}
        empty={
          loaded.data && !rows.length
            ? status
              ? 'No reports with this status.'
              : 'No reports yet: an apparent-CSAM decision drafts one.'
            : false
        }
      />
      {rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="CyberTipline reports table">
          <table className="data legal-reports">
            <caption className="visually-hidden">CyberTipline reports, page {page + 1}</caption>
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">Subject</th>
                <th scope="col">Incident type</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Files
                </th>
                <th scope="col">Case</th>
                <th scope="col">NCMEC report</th>
                <th scope="col">Drafted</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/legal/reports/${r.id}`}>Report {r.id}</Link>
                  </td>
                  <td>{subjectLabel(r.subject)}</td>
                  <td>{r.incident_type}</td>
                  <td>
                    <span className={`state state-${r.status}`}>{STATUS_LABELS[r.status]}</span>
                    {r.error && <div className="error small">{r.error}</div>}
                  </td>
                  <td className="num">{r.files}</td>
                  <td>
                    {r.case_id ? (
                      <Link to={`/cases/${r.case_id}`}>Case {r.case_id}</Link>
                    ) : (
                      <span className="muted">None</span>
                    )}
                  </td>
                  <td>{r.ncmec_report_id ?? <span className="muted">Not filed</span>}</td>
                  <td>{when(r.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} hasMore={(page + 1) * PAGE < total} onPage={setPage} />
    </Page>
  );
}
