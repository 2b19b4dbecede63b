// Evaluation against a labelled TSV (text, surface, expected): precision, recall and every miss.
import { detect, type Hit } from './detect.ts';
import { SURFACES, type Surface, type TermList } from './list.ts';

export interface EvalRow {
  line: number;
  text: string;
  surface: Surface;
  expected: 'flag' | 'clean';
  /** Optional fourth column: the category of a positive row, or the kind of a negative one. */
  note?: string;
}

export interface EvalReport {
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** Every row's outcome, for figures by note. */
  outcomes: { row: EvalRow; flagged: boolean }[];
  /** For a false negative, `hits` holds the combinations that matched but were cleared by domain context. */
  misses: { line: number; kind: 'false_positive' | 'false_negative'; text: string; surface: Surface; hits: Hit[] }[];
}

export class TsvError extends Error {}

/** Reads a TSV with a header naming the columns text, surface and expected (any order), and optionally note. */
export function parseTsv(content: string): EvalRow[] {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim().toLowerCase());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0)
      throw new TsvError(`line 1: the header has no "${name}" column (found: ${header.join(', ') || 'nothing'})`);
    return i;
  };
  const [ti, si, ei] = [col('text'), col('surface'), col('expected')];
  const ni = header.indexOf('note');
  const rows: EvalRow[] = [];
  lines.slice(1).forEach((l, k) => {
    const line = k + 2;
    if (!l.trim()) return;
    const cells = l.split('\t');
    if (cells.length < header.length)
      throw new TsvError(`line ${line}: expected ${header.length} tab-separated columns, found ${cells.length}`);
    const surface = cells[si]!.trim();
    const expected = cells[ei]!.trim();
    if (!(SURFACES as readonly string[]).includes(surface))
      throw new TsvError(`line ${line}: surface "${surface}" is not one of ${SURFACES.join(', ')}`);
    if (expected !== 'flag' && expected !== 'clean')
      throw new TsvError(`line ${line}: expected must be "flag" or "clean", not "${expected}"`);
    const note = ni >= 0 ? cells[ni]!.trim() || undefined : undefined;
    rows.push({ line, text: cells[ti]!, surface: surface as Surface, expected, ...(note ? { note } : {}) });
  });
  if (!rows.length) throw new TsvError('the file has no rows after the header');
  return rows;
}

export function evaluate(rows: EvalRow[], list: TermList): EvalReport {
  const r: EvalReport = { precision: 0, recall: 0, tp: 0, fp: 0, fn: 0, tn: 0, outcomes: [], misses: [] };
  for (const row of rows) {
    const d = detect(row.text, row.surface, list);
    r.outcomes.push({ row, flagged: d.flagged });
    if (d.flagged && row.expected === 'flag') r.tp++;
    else if (!d.flagged && row.expected === 'clean') r.tn++;
    else if (d.flagged) {
      r.fp++;
      r.misses.push({ line: row.line, kind: 'false_positive', text: row.text, surface: row.surface, hits: d.hits });
    } else {
      r.fn++;
      // What matched but was lowered below the threshold, if anything: the reason for the miss.
      r.misses.push({ line: row.line, kind: 'false_negative', text: row.text, surface: row.surface, hits: d.cleared });
    }
  }
  r.precision = r.tp + r.fp ? r.tp / (r.tp + r.fp) : 1;
  r.recall = r.tp + r.fn ? r.tp / (r.tp + r.fn) : 1;
  return r;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatReport(r: EvalReport): string {
  const lines = [
    `precision ${pct(r.precision)}  recall ${pct(r.recall)}  (tp ${r.tp}, fp ${r.fp}, fn ${r.fn}, tn ${r.tn}; ${r.tp + r.fp + r.fn + r.tn} rows)`,
  ];
  for (const m of r.misses) {
    const why = m.hits
      .map((h) => (m.kind === 'false_negative' ? `cleared: ${h.explanation}` : h.explanation))
      .join('; ');
    lines.push(
      `  line ${m.line} ${m.kind === 'false_positive' ? 'FALSE POSITIVE' : 'FALSE NEGATIVE'} [${m.surface}] ${JSON.stringify(m.text)}${why ? ` — ${why}` : ''}`,
    );
  }
  return lines.join('\n');
}

export interface NoteFigures {
  note: string;
  expected: 'flag' | 'clean';
  rows: number;
  flagged: number;
  /** Recall for positive notes; the share left clean for negative ones. */
  rate: number;
}

/** Recall per note among rows expected to flag, and the share kept clean per note among the others. */
export function recallByNote(r: EvalReport): NoteFigures[] {
  const by = new Map<string, NoteFigures>();
  for (const { row, flagged } of r.outcomes) {
    const note = row.note ?? '(none)';
    const k = `${row.expected}\t${note}`;
    const f = by.get(k) ?? { note, expected: row.expected, rows: 0, flagged: 0, rate: 0 };
    f.rows++;
    if (flagged) f.flagged++;
    by.set(k, f);
  }
  const out = [...by.values()].map((f) => ({
    ...f,
    rate: f.expected === 'flag' ? f.flagged / f.rows : (f.rows - f.flagged) / f.rows,
  }));
  return out.sort((a, b) =>
    a.expected === b.expected ? a.note.localeCompare(b.note) : a.expected === 'flag' ? -1 : 1,
  );
}

export function formatByNote(r: EvalReport): string {
  const figures = recallByNote(r);
  const w = Math.max(4, ...figures.map((f) => f.note.length));
  const line = (f: NoteFigures) => `  ${f.note.padEnd(w)}  ${String(f.rows).padStart(5)}  ${pct(f.rate).padStart(6)}`;
  return [
    `recall by note (rows expected to flag):`,
    ...figures.filter((f) => f.expected === 'flag').map(line),
    `kept clean by note (rows expected clean):`,
    ...figures.filter((f) => f.expected === 'clean').map(line),
  ].join('\n');
}
