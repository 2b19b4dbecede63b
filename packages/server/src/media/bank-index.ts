// The in-memory view of every enabled bank, reloaded when the bank generation changes.
// PDQ lookups scan every PDQ entry (exact, O(n)); exact hashes use a map.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hamming, hexToWords } from './hamming.ts';
import type { SignalType } from './banks.ts';

export interface BankMatch {
  bank: string;
  bankKind: 'block' | 'allow';
  entryId: number;
  signalType: SignalType;
  value: string;
  distance: number;
  source: string | null;
  externalId: string | null;
  tags: string[];
  note: string | null;
}

export interface LookupResult {
  /** Block-bank matches not suppressed by an allow-bank match. */
  matches: BankMatch[];
  /** Allow-bank matches (known benign): when present, block matches are suppressed. */
  allowed: BankMatch[];
}

export const DEFAULT_PDQ_THRESHOLD = 31;

export class BankIndex {
  private generation = -1;
  private pdq: { words: Uint32Array; m: Omit<BankMatch, 'distance'> }[] = [];
  private exact = new Map<string, Omit<BankMatch, 'distance'>[]>();

  async refresh(db: Kysely<Database>): Promise<void> {
    const g = await db.selectFrom('bank_generation').select('generation').where('id', '=', 1).executeTakeFirst();
    const gen = Number(g?.generation ?? 0);
    if (gen === this.generation) return;
    const rows = await db
      .selectFrom('bank_entries')
      .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
      .select(['bank_entries.id', 'bank_entries.signal_type', 'bank_entries.value', 'bank_entries.source', 'bank_entries.external_id', 'bank_entries.tags', 'bank_entries.note', 'banks.name', 'banks.kind'])
      .where('banks.enabled', '=', 1)
      .execute();
    const pdq: typeof this.pdq = [];
    const exact = new Map<string, Omit<BankMatch, 'distance'>[]>();
    for (const r of rows) {
      const m = { bank: r.name, bankKind: r.kind, entryId: Number(r.id), signalType: r.signal_type, value: r.value, source: r.source, externalId: r.external_id, tags: r.tags ? r.tags.split(',') : [], note: r.note };
      if (r.signal_type === 'pdq') pdq.push({ words: hexToWords(r.value), m });
      else {
        const k = `${r.signal_type}:${r.value}`;
        exact.set(k, [...(exact.get(k) ?? []), m]);
      }
    }
    this.pdq = pdq;
    this.exact = exact;
    this.generation = gen;
  }

  lookup(q: { pdq?: string | null; md5?: string | null; sha256?: string | null }, threshold = DEFAULT_PDQ_THRESHOLD): LookupResult {
    const found: BankMatch[] = [];
    for (const t of ['md5', 'sha256'] as const) {
      const v = q[t]?.toLowerCase();
      if (v) for (const m of this.exact.get(`${t}:${v}`) ?? []) found.push({ ...m, distance: 0 });
    }
    if (q.pdq) {
      const w = hexToWords(q.pdq.toLowerCase());
      for (const e of this.pdq) {
        const d = hamming(w, e.words);
        if (d <= threshold) found.push({ ...e.m, distance: d });
      }
    }
    found.sort((a, b) => a.distance - b.distance || a.entryId - b.entryId);
    const allowed = found.filter((m) => m.bankKind === 'allow');
    return { matches: allowed.length ? [] : found.filter((m) => m.bankKind === 'block'), allowed };
  }
}
