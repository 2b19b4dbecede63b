// Hash-list formats for bank import and export.
//  plain    one hash per line (type given separately); `#` comments
//  hma-csv  HMA / python-threatexchange style: `signal_type,signal` rows (or `signal_type signal`, as
//           pytx's local-file exchange writes them); with a header row, the optional columns
//           external_id, tags (separated by `;`), note and source are read too. HMA names a video's
//           MD5 `video_md5`; it is imported as md5.
//  json     {"entries": [...]} or an array of entries; jsonl one entry per line
import { VigilError } from '../errors.ts';
import { normaliseHash, parsePlainList, type EntryInput, type SignalType } from './banks.ts';
import { csvRow, parseCsvRows } from '../util/csv.ts';

const HMA_TYPES: Record<string, SignalType> = {
  pdq: 'pdq',
  video_md5: 'md5',
  md5: 'md5',
  photo_md5: 'md5',
  sha256: 'sha256',
};
export const LIST_FORMATS = ['plain', 'hma-csv', 'json', 'jsonl'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

function hmaType(name: string, line: number): SignalType {
  const t = HMA_TYPES[name.trim().toLowerCase()];
  if (!t)
    throw new VigilError(
      'bank_error',
      `line ${line}: unknown signal type "${name.slice(0, 40)}" (pdq, md5, video_md5, sha256)`,
    );
  return t;
}

export function parseHmaCsv(text: string): EntryInput[] {
  const rows = parseCsvRows(text);
  const first = rows[0]?.map((c) => c.trim().toLowerCase()) ?? [];
  const header = first[0] === 'signal_type' ? first : null;
  const out: EntryInput[] = [];
  rows.slice(header ? 1 : 0).forEach((r, i) => {
    const line = i + (header ? 2 : 1);
    if (r[0]?.trim().startsWith('#')) return;
    let type: string, signal: string | undefined;
    if (r.length === 1) [type, signal] = r[0]!.trim().split(/\s+/, 2) as [string, string | undefined];
    else [type, signal] = [r[0]!, r[1]];
    if (!signal?.trim()) throw new VigilError('bank_error', `line ${line}: expected "signal_type,signal"`);
    const st = hmaType(type, line);
    let value: string;
    try {
      value = normaliseHash(st, signal);
    } catch (e) {
      throw new VigilError('bank_error', `line ${line}: ${(e as Error).message}`);
    }
    const e: EntryInput = { signal_type: st, value };
    if (header) {
      const get = (k: string) => (header.indexOf(k) >= 0 ? r[header.indexOf(k)]?.trim() || undefined : undefined);
      if (get('external_id')) e.external_id = get('external_id');
      if (get('tags'))
        e.tags = get('tags')!
          .split(';')
          .map((t) => t.trim())
          .filter(Boolean);
      if (get('note')) e.note = get('note');
      if (get('source')) e.source = get('source');
    }
    out.push(e);
  });
  return out;
}

export function parseJsonEntries(text: string, lines: boolean): EntryInput[] {
  let raw: unknown;
  try {
    raw = lines
      ? text
          .split(/\r?\n/)
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l))
      : JSON.parse(text);
  } catch (e) {
    throw new VigilError('bank_error', `not valid JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(raw) ? raw : (raw as { entries?: unknown })?.entries;
  if (!Array.isArray(list)) throw new VigilError('bank_error', 'expected an array of entries or {"entries": [...]}');
  return list.map((x, i) => {
    const o = x as Record<string, unknown>;
    const type = (o.signal_type ?? o.type) as string | undefined;
    const value = (o.value ?? o.signal) as string | undefined;
    if (typeof type !== 'string' || typeof value !== 'string')
      throw new VigilError('bank_error', `entry ${i + 1}: needs signal_type and value`);
    return {
      signal_type: hmaType(type, i + 1),
      value,
      ...(typeof o.external_id === 'string' ? { external_id: o.external_id } : {}),
      ...(Array.isArray(o.tags) ? { tags: o.tags.map(String) } : {}),
      ...(typeof o.note === 'string' ? { note: o.note } : {}),
      ...(typeof o.source === 'string' ? { source: o.source } : {}),
    };
  });
}

/** Guess a file's format from its first non-blank line. */
export function sniffFormat(text: string): ListFormat {
  const first =
    text
      .split(/\r?\n/)
      .find((l) => l.trim() && !l.trim().startsWith('#'))
      ?.trim() ?? '';
  if (first.startsWith('[') || first.startsWith('{"entries"')) return 'json';
  if (first.startsWith('{')) return 'jsonl';
  if (/^[0-9a-fA-F]+$/.test(first)) return 'plain';
  return 'hma-csv';
}

export interface ExportRow {
  id: number;
  signal_type: SignalType;
  value: string;
  external_id: string | null;
  tags: string | null;
  note: string | null;
  source: string | null;
  confirmed: number;
  disabled: number;
  added_at: string;
}

export const HMA_CSV_HEADER = csvRow([
  'signal_type',
  'signal',
  'external_id',
  'tags',
  'note',
  'source',
  'confirmed',
  'disabled',
]);

export function hmaCsvRow(r: ExportRow): string {
  return csvRow([
    r.signal_type,
    r.value,
    r.external_id,
    r.tags?.split(',').join(';') ?? '',
    r.note,
    r.source,
    r.confirmed ? 1 : 0,
    r.disabled ? 1 : 0,
  ]);
}

/**
 * All-or-nothing imports check a plain list first, so a bad hash is reported by its line in the file (blank and `#`
 * lines count) rather than its entry number. Exchanges do not: they count and skip bad entries.
 */
export function checkPlainLines(text: string, type: SignalType): void {
  text.split(/\r?\n/).forEach((l, i) => {
    const v = l.trim();
    if (!v || v.startsWith('#')) return;
    try {
      normaliseHash(type, v.split(/[\s,]/)[0]!);
    } catch (e) {
      throw new VigilError('bank_error', `line ${i + 1}: ${(e as Error).message}`);
    }
  });
}

/** Parses a list in any of the formats above (`auto` sniffs it); plain lists need their signal type. */
export function parseList(text: string, format: ListFormat | 'auto', signalType?: SignalType): EntryInput[] {
  const f = format === 'auto' ? sniffFormat(text) : format;
  if (f === 'plain') {
    if (!signalType) throw new VigilError('bank_error', 'a plain hash list needs a signal type (pdq, md5 or sha256)');
    return parsePlainList(text, signalType);
  }
  if (f === 'hma-csv') return parseHmaCsv(text);
  return parseJsonEntries(text, f === 'jsonl');
}
