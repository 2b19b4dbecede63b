// The in-memory view of every enabled bank: PDQ hashes in a Hamming index, MD5/SHA-256 in maps,
// keyed by bank-entry id. Metadata stays in the database and is read only for the entries a
// lookup hits, so ten million entries cost little more than their hashes.
//
// Keeping it current without reloading: new entries are those with an id above the highest seen
// (bank writers serialise on the bank_generation row, taken first in their transaction, so ids
// become visible in order); removals and enable/disable changes come from bank_entry_changes,
// written by triggers; a change to the set of enabled banks reloads everything (rare).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { SignalType } from './banks.ts';
import { createExactIndex, createPdqIndex, type PdqIndex } from './pdq-index.ts';

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
  confirmed: boolean;
  /** PDQ matches of media Vigil hashed itself: the dihedral variant of the query that matched ('identity' for none). */
  transform?: string;
  /** Robust matching: the normalised view of the query that matched (absent for the image itself). */
  view?: string;
}

/** What one lookup asks: exact hashes and a PDQ hash, and for a masked view the PDQ bits it knows (64 hex). */
export interface LookupQuery {
  pdq?: string | null;
  md5?: string | null;
  sha256?: string | null;
  pdqMask?: string | null;
}

export interface LookupResult {
  /** Block-bank matches not suppressed by an allow-bank match. */
  matches: BankMatch[];
  /** Allow-bank matches (known benign): when present, block matches are suppressed. */
  allowed: BankMatch[];
}

export interface IndexStatus {
  pdq: number;
  md5: number;
  sha256: number;
  memoryBytes: number;
  /** Highest entry id and change id applied; when the index was last (re)built. */
  builtToEntry: number;
  builtToChange: number;
  rebuiltAt: string | null;
  refreshedAt: string | null;
}

declare module '../context.ts' {
  interface AppContext {
    /** This process's in-memory view of the hash banks, shared by routes and analysers. */
    bankIndex: BankIndex;
  }
}

const DEFAULT_PDQ_THRESHOLD = 31;
/** Even without a generation bump, look for deltas this often (writers that forget to bump). */
const DELTA_INTERVAL_MS = 2000;
const PAGE = 50_000;

type BankRow = { id: number; name: string; kind: 'block' | 'allow'; enabled: number };

export class BankIndex {
  private generation = -1;
  private banksKey = '';
  private maxEntryId = 0;
  private maxChangeId = 0;
  private pdq: PdqIndex = createPdqIndex();
  private exact = { md5: createExactIndex('md5'), sha256: createExactIndex('sha256') };
  private lastDeltaAt = 0;
  private rebuiltAt: Date | null = null;
  private refreshing: Promise<void> | null = null;

  /** Brings the index up to date with the database (single-flight: concurrent callers share one refresh). */
  refresh(db: Kysely<Database>): Promise<void> {
    this.refreshing ??= this.doRefresh(db).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(db: Kysely<Database>): Promise<void> {
    const g = await db.selectFrom('bank_generation').select('generation').where('id', '=', 1).executeTakeFirst();
    const gen = Number(g?.generation ?? 0);
    if (gen === this.generation && Date.now() - this.lastDeltaAt < DELTA_INTERVAL_MS) return;
    const banks = (await db.selectFrom('banks').select(['id', 'name', 'kind', 'enabled']).orderBy('id').execute()).map(
      (b) => ({ ...b, id: Number(b.id) }),
    ) as BankRow[];
    const key = banks
      .filter((b) => b.enabled)
      .map((b) => b.id)
      .join(',');
    // Take the change cursor before reading entries: a change racing the reload is applied twice, never missed.
    const lastChange = await db
      .selectFrom('bank_entry_changes')
      .select((eb) => eb.fn.max('id').as('m'))
      .executeTakeFirst();
    if (key !== this.banksKey || this.generation === -1) await this.rebuild(db, banks, Number(lastChange?.m ?? 0));
    else await this.applyDeltas(db, banks);
    this.banksKey = key;
    this.generation = gen;
    this.lastDeltaAt = Date.now();
  }

  private async rebuild(db: Kysely<Database>, banks: BankRow[], changeCursor: number) {
    const enabled = new Set(banks.filter((b) => b.enabled).map((b) => b.id));
    const pdq = createPdqIndex();
    const exact = { md5: createExactIndex('md5'), sha256: createExactIndex('sha256') };
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom('bank_entries')
        .select(['id', 'bank_id', 'signal_type', 'value', 'disabled'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const r of rows) {
        if (!r.disabled && enabled.has(Number(r.bank_id)))
          (r.signal_type === 'pdq' ? pdq : exact[r.signal_type]).add(Number(r.id), r.value);
      }
      if (rows.length < PAGE) {
        if (rows.length) after = Number(rows.at(-1)!.id);
        break;
      }
      after = Number(rows.at(-1)!.id);
    }
    this.pdq = pdq;
    this.exact = exact;
    this.maxEntryId = Math.max(after, this.maxEntryId);
    this.maxChangeId = changeCursor;
    this.rebuiltAt = new Date();
  }

  private async applyDeltas(db: Kysely<Database>, banks: BankRow[]) {
    const enabled = new Set(banks.filter((b) => b.enabled).map((b) => b.id));
    for (;;) {
      const rows = await db
        .selectFrom('bank_entries')
        .select(['id', 'bank_id', 'signal_type', 'value', 'disabled'])
        .where('id', '>', this.maxEntryId)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const r of rows)
        if (!r.disabled && enabled.has(Number(r.bank_id))) this.add(Number(r.id), r.signal_type, r.value);
      if (rows.length) this.maxEntryId = Number(rows.at(-1)!.id);
      if (rows.length < PAGE) break;
    }
    for (;;) {
      const changes = await db
        .selectFrom('bank_entry_changes')
        .select(['id', 'entry_id', 'op'])
        .where('id', '>', this.maxChangeId)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (!changes.length) break;
      const updated = [...new Set(changes.filter((c) => c.op === 'update').map((c) => Number(c.entry_id)))];
      for (const c of changes) if (c.op === 'remove') this.remove(Number(c.entry_id));
      for (let i = 0; i < updated.length; i += 500) {
        const rows = await db
          .selectFrom('bank_entries')
          .select(['id', 'bank_id', 'signal_type', 'value', 'disabled'])
          .where('id', 'in', updated.slice(i, i + 500))
          .execute();
        for (const r of rows) {
          this.remove(Number(r.id));
          if (!r.disabled && enabled.has(Number(r.bank_id)) && Number(r.id) <= this.maxEntryId)
            this.add(Number(r.id), r.signal_type, r.value);
        }
      }
      this.maxChangeId = Number(changes.at(-1)!.id);
    }
  }

  private add(id: number, type: SignalType, value: string) {
    if (type === 'pdq') this.pdq.add(id, value);
    else this.exact[type].add(id, value);
  }

  private remove(id: number) {
    // An id lives in exactly one of the three; removing from the others is a cheap miss.
    this.pdq.remove(id) || this.exact.md5.remove(id) || this.exact.sha256.remove(id);
  }

  status(): IndexStatus {
    return {
      pdq: this.pdq.size,
      md5: this.exact.md5.size,
      sha256: this.exact.sha256.size,
      memoryBytes: this.pdq.memoryBytes() + this.exact.md5.memoryBytes() + this.exact.sha256.memoryBytes(),
      builtToEntry: this.maxEntryId,
      builtToChange: this.maxChangeId,
      rebuiltAt: this.rebuiltAt?.toISOString() ?? null,
      refreshedAt: this.lastDeltaAt ? new Date(this.lastDeltaAt).toISOString() : null,
    };
  }

  /** Entry ids and distances only, straight from the index (no bank or enable checks beyond the index's own). */
  rawLookup(
    q: LookupQuery,
    threshold = DEFAULT_PDQ_THRESHOLD,
  ): { id: number; distance: number; signalType: SignalType }[] {
    const hits: { id: number; distance: number; signalType: SignalType }[] = [];
    for (const t of ['md5', 'sha256'] as const) {
      const v = q[t]?.toLowerCase();
      if (v) for (const id of this.exact[t].lookup(v)) hits.push({ id, distance: 0, signalType: t });
    }
    // A masked query (an uncrop view) counts only the bits it knows, within `threshold` of those.
    if (q.pdq && q.pdqMask)
      for (const h of this.pdq.searchMasked(q.pdq.toLowerCase(), q.pdqMask.toLowerCase(), threshold))
        hits.push({ ...h, signalType: 'pdq' });
    else if (q.pdq)
      for (const h of this.pdq.search(q.pdq.toLowerCase(), threshold)) hits.push({ ...h, signalType: 'pdq' });
    return hits.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Hits with their bank and entry metadata; allow-bank hits suppress block-bank hits. */
  async lookup(
    db: Kysely<Database>,
    q: LookupQuery,
    threshold = DEFAULT_PDQ_THRESHOLD,
    limit = 1000,
  ): Promise<LookupResult> {
    await this.refresh(db);
    const hits = this.rawLookup(q, threshold).slice(0, limit);
    if (!hits.length) return { matches: [], allowed: [] };
    const distance = new Map(hits.map((h) => [h.id, h.distance]));
    const found: BankMatch[] = [];
    const ids = [...distance.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom('bank_entries')
        .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
        .select([
          'bank_entries.id',
          'bank_entries.signal_type',
          'bank_entries.value',
          'bank_entries.source',
          'bank_entries.external_id',
          'bank_entries.tags',
          'bank_entries.note',
          'bank_entries.confirmed',
          'bank_entries.disabled',
          'banks.name',
          'banks.kind',
          'banks.enabled',
        ])
        .where('bank_entries.id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) {
        if (!r.enabled || r.disabled) continue; // changed since the last refresh
        found.push({
          bank: r.name,
          bankKind: r.kind,
          entryId: Number(r.id),
          signalType: r.signal_type,
          value: r.value,
          distance: distance.get(Number(r.id))!,
          source: r.source,
          externalId: r.external_id,
          tags: r.tags ? r.tags.split(',') : [],
          note: r.note,
          confirmed: !!r.confirmed,
        });
      }
    }
    found.sort((a, b) => a.distance - b.distance || a.entryId - b.entryId);
    const allowed = found.filter((m) => m.bankKind === 'allow');
    return { matches: allowed.length ? [] : found.filter((m) => m.bankKind === 'block'), allowed };
  }
}
