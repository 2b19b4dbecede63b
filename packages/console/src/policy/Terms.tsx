// The coded-term list: the version in force and its history, an editor that refuses a bad list at the line that
// holds the problem, a line diff between any two versions, and "try it": a text run through the list in force,
// an older version or the unsaved draft by the same detector the analysis job uses.
import { useEffect, useId, useRef, useState } from 'react';
import { api, ApiError } from '../api.ts';
import type { Body, TermVersion, TryResult } from '../api/types.ts';
import { Field, Notice, Page, Status, useLoad, when } from '../ui.tsx';
import { LineDiff } from './LineDiff.tsx';
import { selectLine } from './text-position.ts';
import { formatList, parseSource, placeProblems, type LineProblem } from './term-source.ts';
import './policy.css';

const SURFACES = [
  { value: 'bio', label: 'Bio' },
  { value: 'username', label: 'Username' },
  { value: 'display_name', label: 'Display name' },
  { value: 'group_name', label: 'Group name' },
  { value: 'group_description', label: 'Group description' },
];
const TEMPLATE = formatList({
  name: 'terms',
  contextWindow: 8,
  threshold: 1,
  terms: [{ term: 'example', kind: 'coded', category: 'example', weight: 1 }],
  combinations: [],
});

/** Loads versions on demand and keeps them: diffs and "try" reuse what was fetched. */
function useVersionCache() {
  const [cache, setCache] = useState<Record<number, Record<string, unknown>>>({});
  const get = async (v: number) => {
    if (cache[v]) return cache[v]!;
    const r = await api<Body<'/v1/term-list/versions/{version}'>>('GET', `/v1/term-list/versions/${v}`);
    setCache((c) => ({ ...c, [v]: r.list }));
    return r.list;
  };
  return { cache, get };
}

export function TermsScreen() {
  const versions = useLoad(() => api<Body<'/v1/term-list/versions'>>('GET', '/v1/term-list/versions'), []);
  const all = versions.data?.versions ?? [];
  const current = all[0];
  const cache = useVersionCache();
  const [draft, setDraft] = useState<string | null>(null);
  const [loadedFrom, setLoadedFrom] = useState<number | null>(null);
  // Kept here: a save starts the editor afresh on the version it made.
  const [saved, setSaved] = useState('');
  // Loading a version starts the editor afresh, even on the version it started from (to drop edits).
  const [editorKey, setEditorKey] = useState(0);

  // The editor starts from the version in force (or a template on an empty installation).
  useEffect(() => {
    if (!versions.data || draft !== null) return;
    if (!current) setDraft(TEMPLATE);
    else
      cache.get(current.version).then(
        (l) => {
          setDraft(formatList(l));
          setLoadedFrom(current.version);
        },
        () => setDraft(''),
      );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [versions.data]);

  // The list in force is fetched whole, for its count of terms (and the diff and editor reuse it).
  useEffect(() => {
    if (current) cache.get(current.version).catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current?.version]);

  const loadVersion = async (v: number) => {
    setSaved('');
    setDraft(formatList(await cache.get(v)));
    setLoadedFrom(v);
    setEditorKey((k) => k + 1);
  };

  return (
    <Page title="Term lists">
      <p className="muted">
        The coded-term list the text analyser uses on usernames, display names, bios and group names and descriptions.
        Saving makes a new version, in force at once.
      </p>
      <Status
        loaded={versions}
        empty={
          versions.data && !all.length ? 'No term list has been saved yet: the editor starts from a template.' : false
        }
      />
      {current && (
        <p className="facts">
          <span>
            In force: <strong>version {current.version}</strong>
          </span>
          <span>saved by {current.created_by}</span>
          <span>{when(current.created_at)}</span>
          {cache.cache[current.version] && (
            <span>{(cache.cache[current.version]!.terms as unknown[]).length.toLocaleString()} terms</span>
          )}
        </p>
      )}
      <p className="notice">
        Term lists have no shadow mode: a saved list is in force at once. Try a draft below before saving it, or put the
        rules that use <code>text.term</code> signals in shadow mode while a new list settles.
      </p>
      {draft !== null && (
        <TermEditor
          key={editorKey}
          focus={editorKey > 0}
          initial={draft}
          loadedFrom={loadedFrom}
          onChange={setDraft}
          saved={saved}
          onSaved={(v, terms) => {
            setSaved(`Saved as version ${v} (${terms.toLocaleString()} terms). It is in force now.`);
            versions.reload();
            setLoadedFrom(v);
          }}
        />
      )}
      <TryIt versions={all} draft={draft} />
      {all.length > 0 && <TermVersions key={current!.version} versions={all} cache={cache} onLoad={loadVersion} />}
    </Page>
  );
}

function TermEditor({
  focus,
  initial,
  loadedFrom,
  onChange,
  saved,
  onSaved,
}: {
  focus: boolean;
  initial: string;
  loadedFrom: number | null;
  onChange: (s: string) => void;
  saved: string;
  onSaved: (v: number, terms: number) => void;
}) {
  const [text, setText] = useState(initial);
  const [problems, setProblems] = useState<LineProblem[]>([]);
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const [hideSaved, setHideSaved] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  // A version loaded from the table below: the reader goes to it.
  useEffect(() => {
    if (!focus) return;
    area.current?.focus();
    area.current?.scrollIntoView?.({ block: 'center' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const edit = (s: string) => {
    setText(s);
    onChange(s);
  };
  const save = async () => {
    setGeneral('');
    setHideSaved(true);
    const parsed = parseSource(text);
    setProblems(parsed.problems);
    if (!parsed.value) {
      selectLine(area.current, parsed.problems[0]!.line, parsed.problems[0]!.column);
      return;
    }
    setBusy(true);
    try {
      const { version: _ignored, ...body } = parsed.value;
      const r = await api<Body<'/v1/term-list', 'put'>>('PUT', '/v1/term-list', body);
      onSaved(r.version, r.terms);
      setHideSaved(false);
    } catch (e) {
      const details =
        e instanceof ApiError && Array.isArray(e.details) ? (e.details as { path: string; message: string }[]) : [];
      if (details.length) {
        const placed = placeProblems(text, details);
        setProblems(placed);
        selectLine(area.current, placed[0]!.line, placed[0]!.column);
      } else setGeneral((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="term-editor-heading">
      <h2 id="term-editor-heading">
        Edit the list{loadedFrom ? <span className="muted small"> (starting from version {loadedFrom})</span> : null}
      </h2>
      <p className="muted small">
        JSON, one term per line. Kinds: coded, phrase, minor, abuse, media, exchange, domain. Combinations say which
        kinds together flag.
      </p>
      <div className={`field${problems.length ? ' invalid' : ''}`}>
        <label htmlFor="term-editor">Term list (JSON)</label>
        <textarea
          id="term-editor"
          ref={area}
          className="code tall"
          spellCheck={false}
          value={text}
          onChange={(e) => edit(e.target.value)}
          aria-invalid={problems.length ? true : undefined}
          aria-describedby={problems.length ? listId : undefined}
        />
      </div>
      {problems.length > 0 && (
        <div id={listId} role="alert">
          <p className="error">
            The list was not saved: {problems.length === 1 ? 'one problem' : `${problems.length} problems`}.
          </p>
          <ul className="at-line error">
            {problems.map((p, i) => (
              <li key={i}>
                <button type="button" className="link" onClick={() => selectLine(area.current, p.line, p.column)}>
                  Line {p.line}, column {p.column}
                </button>
                : {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <Notice text={general} kind="error" />
      <Notice text={hideSaved ? '' : saved} />
      <div className="buttons">
        <button type="button" className="primary" onClick={save} disabled={busy}>
          {busy ? 'Saving…' : 'Save as new version'}
        </button>
      </div>
    </section>
  );
}

const NO_TEXT = 'Write a text to try.';

function TryIt({ versions, draft }: { versions: TermVersion[]; draft: string | null }) {
  const [text, setText] = useState('');
  const [surface, setSurface] = useState('bio');
  const [against, setAgainst] = useState('current');
  const [result, setResult] = useState<TryResult | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setError('');
    setResult(null);
    if (!text.trim()) {
      setError(NO_TEXT);
      return;
    }
    const body: Record<string, unknown> = { text, surface };
    if (against === 'draft') {
      const parsed = parseSource(draft ?? '');
      if (!parsed.value) {
        setError(`The draft is not valid JSON (line ${parsed.problems[0]!.line}): fix it in the editor first.`);
        return;
      }
      const { version: _v, ...list } = parsed.value;
      body.list = list;
    } else if (against !== 'current') body.version = Number(against);
    setBusy(true);
    try {
      setResult(await api<TryResult>('POST', '/v1/term-list/try', body));
    } catch (e) {
      const details =
        e instanceof ApiError && Array.isArray(e.details) ? (e.details as { path: string; message: string }[]) : [];
      setError(
        details.length && against === 'draft'
          ? `The draft is not a valid list: ${placeProblems(draft ?? '', details)
              .map((p) => `line ${p.line}: ${p.message}`)
              .join('; ')}`
          : (e as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };
  const rows = result
    ? [...result.hits.map((h) => ({ h, cleared: false })), ...result.cleared.map((h) => ({ h, cleared: true }))]
    : [];
  return (
    <section aria-labelledby="try-heading">
      <h2 id="try-heading">Try it</h2>
      <p className="muted small">Runs a text through a list with the detector the analysis uses. Nothing is stored.</p>
      <Field label="Text to try" error={error === NO_TEXT ? error : undefined}>
        {(a) => (
          <textarea
            {...a}
            name="try-text"
            rows={3}
            className="code"
            style={{ whiteSpace: 'pre-wrap' }}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      <div className="inline-fields">
        <Field label="Where the text appears">
          {(a) => (
            <select {...a} value={surface} onChange={(e) => setSurface(e.target.value)}>
              {SURFACES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="List">
          {(a) => (
            <select {...a} value={against} onChange={(e) => setAgainst(e.target.value)}>
              <option value="current">In force{versions[0] ? ` (version ${versions[0].version})` : ''}</option>
              <option value="draft">The draft in the editor</option>
              {versions.slice(1).map((v) => (
                <option key={v.version} value={v.version}>
                  Version {v.version}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" onClick={run} disabled={busy}>
          {busy ? 'Trying…' : 'Try'}
        </button>
      </div>
      {error !== NO_TEXT && <Notice text={error} kind="error" />}
      {result && (
        <div role="region" aria-label="Try-it result">
          <p className="count" role="status">
            {result.flagged
              ? `Flagged: ${result.hits.length} match${result.hits.length === 1 ? '' : 'es'} (score ${result.score})`
              : 'Not flagged: no combination reached the threshold'}
            {result.cleared.length ? `; ${result.cleared.length} cleared by ordinary context` : ''}
            {result.version ? ` · version ${result.version}` : ' · the draft'}.
          </p>
          {rows.length > 0 && (
            <div className="table-wrap">
              <table className="data">
                <caption className="visually-hidden">Matches</caption>
                <thead>
                  <tr>
                    <th scope="col">Outcome</th>
                    <th scope="col">Words found</th>
                    <th scope="col">Combination</th>
                    <th scope="col">Severity</th>
                    <th scope="col" className="num">
                      Score
                    </th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ h, cleared }, i) => (
                    <tr key={i}>
                      <td>
                        {cleared ? <span className="pill">Cleared</span> : <span className="pill bad">Match</span>}
                      </td>
                      <td className="wrap">
                        {[h, ...h.context].map((p) => `“${p.original}” (${p.kind}: ${p.term})`).join(', ')}
                        {h.domain.length ? `; context: ${h.domain.map((d) => `“${d.original}”`).join(', ')}` : ''}
                      </td>
                      <td>{h.combination}</td>
                      <td>{h.severity}</td>
                      <td className="num">{h.score}</td>
                      <td className="wrap small">{h.explanation}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function TermVersions({
  versions,
  cache,
  onLoad,
}: {
  versions: TermVersion[];
  cache: ReturnType<typeof useVersionCache>;
  onLoad: (v: number) => void;
}) {
  const [from, setFrom] = useState(versions[1]?.version ?? versions[0]!.version);
  const [to, setTo] = useState(versions[0]!.version);
  const [error, setError] = useState('');
  useEffect(() => {
    setError('');
    Promise.all([cache.get(from), cache.get(to)]).catch((e: Error) => setError(e.message));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [from, to]);
  const a = cache.cache[from];
  const b = cache.cache[to];
  return (
    <section aria-labelledby="term-versions">
      <h2 id="term-versions">Versions</h2>
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Term list versions</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Version
              </th>
              <th scope="col">Saved by</th>
              <th scope="col">When</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v, i) => (
              <tr key={v.version}>
                <td className="num">
                  {v.version}
                  {i === 0 && <span className="pill good"> in force</span>}
                </td>
                <td>{v.created_by}</td>
                <td className="nowrap">{when(v.created_at)}</td>
                <td>
                  <button className="secondary" onClick={() => onLoad(v.version)}>
                    Edit from version {v.version}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
      <Notice text={error} kind="error" />
      {a && b ? (
        <LineDiff from={formatList(a)} to={formatList(b)} fromLabel={`version ${from}`} toLabel={`version ${to}`} />
      ) : (
        !error && (
          <p className="muted" role="status">
            Loading…
          </p>
        )
      )}
    </section>
  );
}
