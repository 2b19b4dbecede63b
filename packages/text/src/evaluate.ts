// Evaluation against a labelled TSV (text, surface, expected): precision, recall and every miss.
import { detect, type Hit } from './detect.ts';
import { SURFACES, type Surface, type TermList } from './list.ts';

export interface EvalRow {
  line: number;
  text: string;
  surface: Surface;
  expected: 'flag' | 'clean';
}

export interface EvalReport {
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  misses: { line: number; kind: 'false_positive' | 'false_negative'; text: string; surface: Surface; hits: Hit[] }[];
}

export class TsvError extends Error {}

/** Reads a TSV with a header naming the columns text, surface and expected (any order). */
export function parseTsv(content: string): EvalRow[] {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim().toLowerCase());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new TsvError(`line 1: the header has no "${name}" column (found: ${header.join(', ') || 'nothing'})`);
    return i;
  };
  const [ti, si, ei] = [col('text'), col('surface'), col('expected')];
  const rows: EvalRow[] = [];
  lines.slice(1).forEach((l, k) => {
    const line = k + 2;
    if (!l.trim()) return;
    const cells = l.split('\t');
    if (cells.length < header.length) throw new TsvError(`line ${line}: expected ${header.length} tab-separated columns, found ${cells.length}`);
    const surface = cells[si]!.trim();
    const expected = cells[ei]!.trim();
    if (!(SURFACES as readonly string[]).includes(surface)) throw new TsvError(`line ${line}: surface "${surface}" is not one of ${SURFACES.join(', ')}`);
    if (expected !== 'flag' && expected !== 'clean') throw new TsvError(`line ${line}: expected must be "flag" or "clean", not "${expected}"`);
    rows.push({ line, text: cells[ti]!, surface: surface as Surface, expected });
  });
  if (!rows.length) throw new TsvError('the file has no rows after the header');
  return rows;
}

export function evaluate(rows: EvalRow[], list: TermList): EvalReport {
  const r: EvalReport = { precision: 0, recall: 0, tp: 0, fp: 0, fn: 0, tn: 0, misses: [] };
  for (const row of rows) {
    const d = detect(row.text, row.surface, list);
    if (d.flagged && row.expected === 'flag') r.tp++;
    else if (!d.flagged && row.expected === 'clean') r.tn++;
    else if (d.flagged) {
      r.fp++;
      r.misses.push({ line: row.line, kind: 'false_positive', text: row.text, surface: row.surface, hits: d.hits });
    } else {
      r.fn++;
      r.misses.push({ line: row.line, kind: 'false_negative', text: row.text, surface: row.surface, hits: [] });
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
    const why = m.hits.map((h) => `${h.term} "${h.original}" + ${h.context.map((c) => c.term).join(', ') || 'alone'}`).join('; ');
    lines.push(`  line ${m.line} ${m.kind === 'false_positive' ? 'FALSE POSITIVE' : 'FALSE NEGATIVE'} [${m.surface}] ${JSON.stringify(m.text)}${why ? ` — ${why}` : ''}`);
  }
  return lines.join('\n');
}
