// Detection rules: the list with version, state and mode; one rule's editor (CEL expression with errors at the
// line and column, outcome, shadow mode), a backtest on stored events, and the rule's versions with a line diff
// between any two. Each save is a new version on the server; nothing here changes a rule in place.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import type { Backtest, Body, Rule, RuleVersion } from '../api/types.ts';
import { navigate } from '../router.ts';
import { Field, Notice, Page, Status, useLoad, when } from '../ui.tsx';
import { LineDiff } from './LineDiff.tsx';
import { caretLine, selectLine } from './text-position.ts';
import './policy.css';

const OUTCOME_EXAMPLE = { type: 'review', queue: 'accounts', priority: 50, reason: 'why a reviewer should look' };
const pretty = (v: unknown) => JSON.stringify(v, null, 2);

export function RulesScreen({ search }: { search: URLSearchParams }) {
  const loaded = useLoad(() => api<Body<'/v1/rules'>>('GET', '/v1/rules'), []);
  const selected = search.get('rule');
  const creating = search.get('new') === '1';
  const rules = loaded.data?.rules ?? [];
  const rule = rules.find((r) => r.name === selected);
  const [notice, setNotice] = useState<{ text: string; kind: 'ok' | 'error' }>({ text: '', kind: 'ok' });
  // Kept here: a save reloads the rule, and the editor starts afresh on its new version.
  const [saved, setSaved] = useState('');

  const setMode = async (r: Rule, mode: 'active' | 'shadow') => {
    try {
      const saved = await api<Body<'/v1/rules/{name}', 'put'>>('PUT', `/v1/rules/${encodeURIComponent(r.name)}`, {
        description: r.description ?? undefined,
        expression: r.expression,
        outcome: r.outcome,
        mode,
        enabled: r.enabled,
      });
      setNotice({
        text: `${r.name} is ${mode === 'shadow' ? 'in shadow mode' : 'active'} (version ${saved.version}).`,
        kind: 'ok',
      });
      loaded.reload();
    } catch (e) {
      setNotice({ text: (e as Error).message, kind: 'error' });
    }
  };

  return (
    <Page title="Rules" actions={<button onClick={() => navigate('/admin/rules?new=1')}>New rule</button>}>
      <p className="muted">
        Rules are CEL expressions over the event, its subject and the subject's signals. Every save is a new version; a
        rule in shadow mode records what it would have done but opens no case.
      </p>
      <Notice text={notice.text} kind={notice.kind} />
      <Status loaded={loaded} empty={loaded.data && !rules.length ? 'No rules yet.' : false} />
      {rules.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Rules</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col" className="num">
                  Version
                </th>
                <th scope="col">State</th>
                <th scope="col">Mode</th>
                <th scope="col">Outcome</th>
                <th scope="col">Updated</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.id} aria-current={r.name === selected ? 'true' : undefined}>
                  <td className="wrap">
                    <a
                      href={`/console/admin/rules?rule=${encodeURIComponent(r.name)}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/admin/rules?rule=${encodeURIComponent(r.name)}`);
                      }}
                    >
                      <strong>{r.name}</strong>
                    </a>
                    {r.description && <div className="muted small">{r.description}</div>}
                  </td>
                  <td className="num">{r.version}</td>
                  <td>
                    {r.enabled ? <span className="pill good">Enabled</span> : <span className="pill">Disabled</span>}
                  </td>
                  <td>
                    {r.mode === 'shadow' ? (
                      <span className="pill warn">Shadow</span>
                    ) : (
                      <span className="pill good">Active</span>
                    )}
                  </td>
                  <td className="wrap small">{outcomeText(r.outcome)}</td>
                  <td className="nowrap">{when(r.updated_at)}</td>
                  <td>
                    <button
                      className="secondary"
                      aria-label={r.mode === 'shadow' ? `Make active: ${r.name}` : `Put in shadow mode: ${r.name}`}
                      onClick={() => setMode(r, r.mode === 'shadow' ? 'active' : 'shadow')}
                    >
                      {r.mode === 'shadow' ? 'Make active' : 'Put in shadow mode'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <RuleEditor
          key="new"
          saved=""
          onSaved={(name, version) => {
            setSaved(`Saved ${name} as version ${version}.`);
            loaded.reload();
            navigate(`/admin/rules?rule=${encodeURIComponent(name)}`, { replace: true });
          }}
        />
      )}
      {rule && !creating && (
        <>
          <RuleEditor
            key={`${rule.name}@${rule.version}`}
            rule={rule}
            saved={saved}
            onSaved={(name, version) => {
              setSaved(`Saved ${name} as version ${version}.`);
              loaded.reload();
            }}
          />
          <RuleVersions key={`v-${rule.name}@${rule.version}`} rule={rule} />
        </>
      )}
      {selected && !rule && loaded.data && !creating && (
        <p className="error" role="alert">
          There is no rule named “{selected}”.
        </p>
      )}
    </Page>
  );
}

function outcomeText(o: unknown): string {
  const v = o as { type?: string; queue?: string; priority?: number; reason?: string; label?: string; action?: string };
  if (v?.type === 'review') return `Review in ${v.queue} (priority ${v.priority}): ${v.reason}`;
  if (v?.type === 'label') return `Label “${v.label}”`;
  if (v?.type === 'action') return `Action ${v.action}: ${v.reason}`;
  return JSON.stringify(o);
}

interface Problems {
  name?: string;
  description?: string;
  expression?: string;
  outcome?: string;
  general?: string;
  line?: number;
  column?: number;
}

/** Reads a refusal from PUT /v1/rules or the backtest into the field it is about. */
function problemsOf(e: unknown): Problems {
  const message = (e as Error).message;
  if (e instanceof ApiError) {
    const d = e.details as { line?: number; column?: number } | undefined;
    if (d?.line) return { expression: message, line: d.line, column: d.column };
    if (/expression/i.test(message)) return { expression: message };
    if (/outcome/i.test(message)) return { outcome: message };
    if (/name/i.test(message)) return { name: message };
    if (/description/i.test(message)) return { description: message };
  }
  return { general: message };
}

let lastOpened: string | null = null;

function RuleEditor({
  rule,
  saved,
  onSaved,
}: {
  rule?: Rule;
  saved: string;
  onSaved: (name: string, version: number) => void;
}) {
  const [name, setName] = useState(rule?.name ?? '');
  const [description, setDescription] = useState(rule?.description ?? '');
  const [expression, setExpression] = useState(rule?.expression ?? '');
  const [outcome, setOutcome] = useState(pretty(rule?.outcome ?? OUTCOME_EXAMPLE));
  const [shadow, setShadow] = useState(rule ? rule.mode === 'shadow' : true);
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [hideSaved, setHideSaved] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // Opening a rule (or a new one) takes the reader to its editor; saving a new version does not move focus.
  useEffect(() => {
    if (lastOpened === (rule?.name ?? '')) return;
    lastOpened = rule?.name ?? '';
    heading.current?.focus();
    heading.current?.scrollIntoView?.({ block: 'start' });
  }, [rule?.name]);

  const parsedOutcome = (): unknown => {
    try {
      return JSON.parse(outcome);
    } catch (e) {
      throw Object.assign(new Error(`The outcome is not valid JSON: ${(e as Error).message}`), { field: 'outcome' });
    }
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setHideSaved(true);
    const p: Problems = {};
    if (!rule && !/^[a-z0-9][a-z0-9._-]{1,79}$/.test(name))
      p.name = 'Use 2 to 80 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.';
    if (!expression.trim()) p.expression = 'Write the expression.';
    let out: unknown;
    try {
      out = parsedOutcome();
    } catch (e) {
      p.outcome = (e as Error).message;
    }
    setProblems(p);
    if (Object.keys(p).length) return;
    setBusy(true);
    try {
      const r = await api<Body<'/v1/rules/{name}', 'put'>>(
        'PUT',
        `/v1/rules/${encodeURIComponent(rule?.name ?? name)}`,
        {
          ...(description.trim() ? { description: description.trim() } : {}),
          expression,
          outcome: out,
          mode: shadow ? 'shadow' : 'active',
          enabled,
        },
      );
      onSaved(r.name, r.version);
    } catch (e) {
      const found = problemsOf(e);
      setProblems(found);
      if (found.line) selectLine(area.current, found.line, found.column);
    } finally {
      setBusy(false);
    }
  };

  const title = rule ? `Edit ${rule.name}` : 'New rule';
  return (
    <section aria-labelledby="rule-editor">
      <h2 id="rule-editor" ref={heading} tabIndex={-1}>
        {title}
        {rule && (
          <span className="muted small">
            {' '}
            (version {rule.version}, saved {when(rule.updated_at)})
          </span>
        )}
      </h2>
      <form className="policy-form" onSubmit={submit} noValidate>
        {!rule && (
          <Field label="Name" error={problems.name} hint="Lower-case letters, digits, dots, dashes, underscores.">
            {(a) => (
              <input {...a} name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
            )}
          </Field>
        )}
        <Field label="Description" error={problems.description}>
          {(a) => (
            <input {...a} name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
          )}
        </Field>
        <Field
          label="Expression (CEL)"
          error={problems.expression}
          hint="For example: subject.type == 'account' && signals.exists(s, s.kind == 'text.term')"
        >
          {(a) => (
            <textarea
              {...a}
              ref={area}
              name="expression"
              className="code"
              rows={6}
              spellCheck={false}
              value={expression}
              onChange={(e) => setExpression(e.target.value)}
            />
          )}
        </Field>
        {problems.line && (
          <pre className="caret" aria-label={`Line ${problems.line}, column ${problems.column}`}>
            {caretLine(expression, problems.line, problems.column ?? 1)}
          </pre>
        )}
        <Field
          label="Outcome (JSON)"
          error={problems.outcome}
          hint='review: {"type":"review","queue","priority","reason"}; label: {"type":"label","label"}; action: {"type":"action","action","reason"}'
        >
          {(a) => (
            <textarea
              {...a}
              name="outcome"
              className="code"
              rows={6}
              spellCheck={false}
              value={outcome}
              onChange={(e) => setOutcome(e.target.value)}
            />
          )}
        </Field>
        <label className="check">
          <input type="checkbox" name="shadow" checked={shadow} onChange={(e) => setShadow(e.target.checked)} /> Shadow
          mode: record verdicts, open no cases and take no action
        </label>
        <label className="check">
          <input type="checkbox" name="enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />{' '}
          Enabled
        </label>
        <Notice text={problems.general ?? ''} kind="error" />
        <Notice text={!hideSaved && rule && saved === `Saved ${rule.name} as version ${rule.version}.` ? saved : ''} />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : rule ? 'Save new version' : 'Create rule'}
          </button>
          {!rule && (
            <button type="button" className="secondary" onClick={() => navigate('/admin/rules')}>
              Cancel
            </button>
          )}
        </div>
      </form>
      <BacktestPanel
        expression={expression}
        outcome={outcome}
        onProblem={(p) => {
          setProblems(p);
          if (p.line) selectLine(area.current, p.line, p.column);
        }}
      />
    </section>
  );
}

const PERIODS = [
  { days: 1, label: 'the last day' },
  { days: 7, label: 'the last 7 days' },
  { days: 30, label: 'the last 30 days' },
  { days: 90, label: 'the last 90 days' },
  { days: 365, label: 'the last year' },
];

/** Runs the expression in the editor (saved or not) over stored events; the server changes nothing. */
function BacktestPanel({
  expression,
  outcome,
  onProblem,
}: {
  expression: string;
  outcome: string;
  onProblem: (p: Problems) => void;
}) {
  const [days, setDays] = useState(30);
  const [result, setResult] = useState<Backtest | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setError('');
    setResult(null);
    let out: unknown;
    try {
      out = JSON.parse(outcome);
    } catch (e) {
      onProblem({ outcome: `The outcome is not valid JSON: ${(e as Error).message}` });
      return;
    }
    setBusy(true);
    try {
      setResult(
        await api<Backtest>('POST', '/v1/rules/backtest', {
          expression,
          outcome: out,
          since: new Date(Date.now() - days * 86_400_000).toISOString(),
        }),
      );
      onProblem({});
    } catch (e) {
      const p = problemsOf(e);
      if (p.general) setError(p.general);
      else onProblem(p);
    } finally {
      setBusy(false);
    }
  };
  const period = PERIODS.find((p) => p.days === days)!.label;
  return (
    <div aria-labelledby="backtest-heading">
      <h3 id="backtest-heading">Backtest</h3>
      <p className="muted small">
        Replays stored events through the expression above (saved or not) and says what it would have matched. Nothing
        is changed.
      </p>
      <div className="inline-fields">
        <Field label="Events from">
          {(a) => (
            <select {...a} value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {PERIODS.map((p) => (
                <option key={p.days} value={p.days}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" onClick={run} disabled={busy || !expression.trim()}>
          {busy ? 'Running…' : 'Run backtest'}
        </button>
      </div>
      <Notice text={error} kind="error" />
      {result && (
        <div role="region" aria-label="Backtest result">
          <p className="count" role="status">
            {result.matched_events.toLocaleString()} of {result.events.toLocaleString()} events from {period} would have
            matched, on {result.subjects.length.toLocaleString()} subject{result.subjects.length === 1 ? '' : 's'}
            {result.errors.length
              ? `; ${result.errors.length} event${result.errors.length === 1 ? '' : 's'} raised an error`
              : ''}
            .
          </p>
          {result.subjects.length > 0 && (
            <div className="table-wrap">
              <table className="data">
                <caption>Subjects the rule would have matched</caption>
                <thead>
                  <tr>
                    <th scope="col">Platform</th>
                    <th scope="col">Subject</th>
                    <th scope="col" className="num">
                      Matching events
                    </th>
                    <th scope="col" className="num">
                      First event
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...result.subjects]
                    .sort((x, y) => y.matches - x.matches)
                    .slice(0, 200)
                    .map((s) => (
                      <tr key={`${s.platform}:${s.type}:${s.id}`}>
                        <td>{s.platform}</td>
                        <td>
                          {s.type} {s.id}
                        </td>
                        <td className="num">{s.matches}</td>
                        <td className="num">{s.first_event_id}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
              {result.subjects.length > 200 && (
                <p className="muted small">The 200 subjects with most matches are shown.</p>
              )}
            </div>
          )}
          {result.errors.length > 0 && (
            <details>
              <summary>Errors ({result.errors.length})</summary>
              <ul>
                {result.errors.slice(0, 20).map((e) => (
                  <li key={e.event_id}>
                    Event {e.event_id}: {e.error}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </div>
  );
}

const versionText = (v: RuleVersion) => `${v.expression}\n\n# outcome (${v.mode})\n${pretty(v.outcome)}\n`;

function RuleVersions({ rule }: { rule: Rule }) {
  const loaded = useLoad(
    () => api<Body<'/v1/rules/{name}/versions'>>('GET', `/v1/rules/${encodeURIComponent(rule.name)}/versions`),
    [rule.name, rule.version],
  );
  const versions = loaded.data?.versions ?? [];
  const [from, setFrom] = useState(Math.max(1, rule.version - 1));
  const [to, setTo] = useState(rule.version);
  const [viewing, setViewing] = useState<number | null>(null);
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  const shown = versions.find((v) => v.version === viewing);
  return (
    <section aria-labelledby="rule-versions">
      <h2 id="rule-versions">Versions of {rule.name}</h2>
      <Status loaded={loaded} />
      {versions.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="data">
              <caption className="visually-hidden">Versions of {rule.name}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Version
                  </th>
                  <th scope="col">Mode</th>
                  <th scope="col">Saved by</th>
                  <th scope="col">When</th>
                  <th scope="col">Expression</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.version}>
                    <td className="num">{v.version}</td>
                    <td>{v.mode === 'shadow' ? 'Shadow' : 'Active'}</td>
                    <td>{v.created_by}</td>
                    <td className="nowrap">{when(v.created_at)}</td>
                    <td>
                      <button
                        className="secondary"
                        aria-expanded={viewing === v.version}
                        onClick={() => setViewing(viewing === v.version ? null : v.version)}
                      >
                        {viewing === v.version ? 'Hide' : 'View'} version {v.version}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {shown && (
            <pre className="diff" tabIndex={0} aria-label={`Version ${shown.version}`}>
              {versionText(shown)}
            </pre>
          )}
          <h3>Compare versions</h3>
          <div className="compare">
            <Field label="From version">
              {(p) => (
                <select {...p} value={from} onChange={(e) => setFrom(Number(e.target.value))}>
                  {versions.map((v) => (
                    <option key={v.version} value={v.version}>
                      {v.version}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="To version">
              {(p) => (
                <select {...p} value={to} onChange={(e) => setTo(Number(e.target.value))}>
                  {versions.map((v) => (
                    <option key={v.version} value={v.version}>
                      {v.version}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          {a && b && (
            <LineDiff
              from={versionText(a)}
              to={versionText(b)}
              fromLabel={`version ${a.version}`}
              toLabel={`version ${b.version}`}
            />
          )}
        </>
      )}
    </section>
  );
}
