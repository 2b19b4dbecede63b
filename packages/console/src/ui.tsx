// Building blocks shared by the console's screens: a page with its heading, loading state, a confirmation
// dialog, a secret shown once, field errors, paging and small accessible charts. Screens compose these instead
// of each writing its own.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api.ts';

/** A screen's frame: the heading names the screen and the browser tab, so history and screen readers agree. */
export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Vigil`;
  }, [title]);
  return (
    <main className="page">
      <div className="page-head">
        <h1>{title}</h1>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children}
    </main>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: string;
  loading: boolean;
  /** Fetches again; the promise settles once the new data (or error) is on screen, so a notice can follow it. */
  reload: () => Promise<void>;
}

/** Loads `f()` when `deps` change; `reload` fetches again. A stale answer never overwrites a newer one. */
export function useLoad<T>(f: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error: string; loading: boolean }>({ error: '', loading: true });
  const seq = useRef(0);
  const reload = useCallback(() => {
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    return f().then(
      (data) => {
        if (n === seq.current) setState({ data, error: '', loading: false });
      },
      (e: Error) => {
        if (n === seq.current) setState((s) => ({ data: s.data, error: e.message, loading: false }));
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Loading, error and empty states, said the same way on every screen. */
export function Status({ loaded, empty }: { loaded: Loaded<unknown>; empty?: string | false }) {
  if (loaded.error)
    return (
      <p className="error" role="alert">
        {loaded.error}
      </p>
    );
  if (loaded.loading && loaded.data === undefined)
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  if (empty) return <p className="muted">{empty}</p>;
  return null;
}

/** A short-lived message after an action ("Saved.", or the error). Polite, so it does not interrupt. */
export function Notice({ text, kind = 'ok' }: { text: string; kind?: 'ok' | 'error' }) {
  if (!text) return null;
  return kind === 'error' ? (
    <p className="error" role="alert">
      {text}
    </p>
  ) : (
    <p className="notice" role="status">
      {text}
    </p>
  );
}

/**
 * A modal dialog: focus moves into it and returns to where it was, Escape closes it, Tab stays inside.
 * Used for every confirmation of an irreversible action (filing, revoking, disabling).
 */
export function Dialog({
  title,
  onClose,
  children,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    // The element marked data-autofocus (Cancel, in a confirmation) wins over the first field in page order.
    const first =
      ref.current?.querySelector<HTMLElement>('[data-autofocus]') ??
      ref.current?.querySelector<HTMLElement>('input, select, textarea, button');
    first?.focus();
    return () => before?.focus?.();
  }, []);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [
      ...ref.current.querySelectorAll<HTMLElement>(
        'a[href], button:not([disabled]), input, select, textarea, [tabindex="0"]',
      ),
    ];
    if (!items.length) return;
    const [first, last] = [items[0]!, items[items.length - 1]!];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={id}
        className={`dialog${wide ? ' wide' : ''}`}
        onKeyDown={onKey}
      >
        <h2 id={id}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** A dialog form's buttons: submit (saying it is at work while busy) and Cancel. */
export function FormButtons({
  label,
  busyLabel,
  busy,
  onCancel,
  danger,
}: {
  label: string;
  busyLabel: string;
  busy: boolean;
  onCancel: () => void;
  danger?: boolean;
}) {
  return (
    <div className="buttons">
      <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
        {busy ? busyLabel : label}
      </button>
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** Asks before doing something that cannot be undone; shows the server's refusal inside the dialog. */
export function Confirm({
  title,
  confirm,
  onConfirm,
  onClose,
  children,
  danger,
}: {
  title: string;
  confirm: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  children?: ReactNode;
  danger?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const go = async () => {
    setBusy(true);
    setError('');
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose} wide>
      {children}
      <Notice text={error} kind="error" />
      <div className="buttons">
        <button className={danger ? 'danger' : 'primary'} onClick={go} disabled={busy}>
          {busy ? 'Working…' : confirm}
        </button>
        <button className="secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

/**
 * A secret (password, API key, webhook secret) the server shows once: copy it now, it cannot be shown again.
 * `kept`: what the server keeps of it — a hash (passwords, API keys) or the secret itself, sealed (a webhook
 * signing secret, which the server needs to sign with).
 */
export function ShownOnce({
  label,
  value,
  onDone,
  kept = 'hash',
}: {
  label: string;
  value: string;
  onDone: () => void;
  kept?: 'hash' | 'secret';
}) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog title={label} onClose={onDone}>
      <p>
        This is shown once. Copy it now and keep it somewhere safe:{' '}
        {kept === 'hash'
          ? 'Vigil stores only a hash of it.'
          : 'Vigil keeps it to sign deliveries but never shows it again.'}
      </p>
      <p>
        <code className="secret" data-secret>
          {value}
        </code>
      </p>
      <div className="buttons">
        <button
          onClick={() =>
            navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => {},
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button className="secondary" onClick={onDone}>
          I have kept it
        </button>
      </div>
    </Dialog>
  );
}

/** Field-level errors from a 400 `invalid_request` (details `{path, message}`), keyed by path. */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (e instanceof ApiError && Array.isArray(e.details)) {
    for (const d of e.details as { path?: string; message?: string }[])
      if (d.path && d.message) out[d.path] ??= d.message;
  }
  return out;
}

/** A labelled form field with its error announced next to it (aria-describedby), not only in a banner. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (a: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const help = `${id}-help`;
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': error || hint ? help : undefined, 'aria-invalid': error ? true : undefined })}
      {(error || hint) && (
        <span id={help} className={error ? 'error small' : 'muted small'}>
          {error || hint}
        </span>
      )}
    </div>
  );
}

/** Previous / next paging over a cursor or offset the server returns. */
export function Pager({ page, hasMore, onPage }: { page: number; hasMore: boolean; onPage: (p: number) => void }) {
  if (page === 0 && !hasMore) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button className="secondary" disabled={page === 0} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span className="muted">Page {page + 1}</span>
      <button className="secondary" disabled={!hasMore} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}

export const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

export interface Bar {
  label: string;
  value: number;
  title?: string;
}

/**
 * Horizontal bars in SVG with the numbers written beside them. The figure has a text alternative and the same
 * numbers are in a table next to it (screens keep their table), so nothing depends on seeing the chart.
 */
export function BarChart({ title, bars, unit = '' }: { title: string; bars: Bar[]; unit?: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 22;
  const labelW = 150;
  const w = 560;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${w} ${bars.length * row + 4}`}
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.value}${unit}`).join(', ')}`}
      >
        {bars.map((b, i) => {
          const bw = ((w - labelW - 70) * b.value) / max;
          return (
            <g key={b.label} transform={`translate(0 ${i * row + 2})`}>
              <text x={labelW - 6} y={row / 2 + 4} textAnchor="end" className="chart-label">
                {b.label}
              </text>
              <rect x={labelW} y={3} width={Math.max(b.value ? 2 : 0, bw)} height={row - 6} className="chart-bar">
                <title>{b.title ?? `${b.label}: ${b.value}${unit}`}</title>
              </rect>
              <text x={labelW + bw + 6} y={row / 2 + 4} className="chart-value">
                {b.value.toLocaleString()}
                {unit}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** Columns over time (one per day, say), with the same text alternative as BarChart. */
export function ColumnChart({ title, bars, unit = '' }: { title: string; bars: Bar[]; unit?: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const h = 140;
  const colW = Math.max(6, Math.min(40, Math.floor(560 / Math.max(1, bars.length))));
  const w = Math.max(200, bars.length * colW);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${w} ${h + 34}`}
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.value}${unit}`).join(', ')}`}
      >
        {bars.map((b, i) => {
          const bh = ((h - 14) * b.value) / max;
          return (
            <g key={b.label} transform={`translate(${i * colW} 0)`}>
              <rect x={1} y={h - bh} width={colW - 2} height={bh} className="chart-bar">
                <title>{b.title ?? `${b.label}: ${b.value}${unit}`}</title>
              </rect>
              {(bars.length <= 14 || i % Math.ceil(bars.length / 10) === 0) && (
                <text
                  x={i === 0 ? 0 : i === bars.length - 1 ? colW : colW / 2}
                  y={h + 14}
                  textAnchor={i === 0 ? 'start' : i === bars.length - 1 ? 'end' : 'middle'}
                  className="chart-label small"
                >
                  {b.label}
                </text>
              )}
            </g>
          );
        })}
        <text x={0} y={h + 30} className="chart-value">
          max {max.toLocaleString()}
          {unit}
        </text>
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** Downloads rows as CSV (RFC 4180 quoting), for figures a reader wants in a spreadsheet. */
export function downloadCsv(name: string, header: string[], rows: (string | number | null)[][]) {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
