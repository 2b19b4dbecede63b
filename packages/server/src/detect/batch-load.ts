// Set-based reads for a batch of analyses: what the rules of many events need, in a few statements.
import { sql, type Kysely } from 'kysely';
import type { CelInput } from '@bufbuild/cel';
import type { Database } from '../db/schema.ts';
import { fromJson } from '../util/json.ts';
import { chunks } from '../util/chunks.ts';
import { celSignal } from './engine.ts';
import type { SignalView } from './signals.ts';
import { subjectFrom, type SubjectRows } from './subject.ts';

export interface Subject {
  platform: string;
  type: string;
  id: string;
}

export const subjectKey = (platform: string, type: string, id: string) => `${platform}\u0000${type}\u0000${id}`;

/** Subjects grouped by platform and type, so each read is `platform = ? AND type = ? AND id IN (…)`. */
function byPlatformAndType(subjects: Subject[]): { platform: string; type: string; ids: string[] }[] {
  const groups = new Map<string, { platform: string; type: string; ids: Set<string> }>();
  for (const s of subjects) {
    const k = `${s.platform}\u0000${s.type}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { platform: s.platform, type: s.type, ids: new Set() }));
    g.ids.add(s.id);
  }
  return [...groups.values()].map((g) => ({ platform: g.platform, type: g.type, ids: [...g.ids] }));
}

export interface RuleSignal {
  view: SignalView;
  /** The signal as rules see it (converted once). */
  cel: CelInput;
}

/**
 * Subjects by platform, cut into parts of at most `size` ids with each part's ids grouped by type, so one statement
 * per part reads `platform = ? AND ((type = ? AND id IN (…)) OR (type = ? AND id IN (…)))` for every type at once.
 */
export function partsByPlatform(
  subjects: Subject[],
  size = 500,
): { platform: string; types: { type: string; ids: string[] }[] }[] {
  const platforms = new Map<string, Map<string, Set<string>>>();
  for (const s of subjects) {
    let types = platforms.get(s.platform);
    if (!types) platforms.set(s.platform, (types = new Map()));
    let ids = types.get(s.type);
    if (!ids) types.set(s.type, (ids = new Set()));
    ids.add(s.id);
  }
  const out: { platform: string; types: { type: string; ids: string[] }[] }[] = [];
  for (const [platform, types] of platforms) {
    let part: { platform: string; types: { type: string; ids: string[] }[] } = { platform, types: [] };
    let n = 0;
    for (const [type, ids] of types) {
      for (const id of ids) {
        if (n === size) {
          out.push(part);
          part = { platform, types: [] };
          n = 0;
        }
        let last = part.types.at(-1);
        if (!last || last.type !== type) part.types.push((last = { type, ids: [] }));
        last.ids.push(id);
        n++;
      }
    }
    if (n) out.push(part);
  }
  return out;
}

/** `(type = ? AND id IN (…)) OR …` over a part's types, for columns named `subject_type` and `subject_id`. */
const anySubject = (types: { type: string; ids: string[] }[]) =>
  sql.join(
    types.map((t) => sql`(subject_type = ${t.type} AND subject_id IN (${sql.join(t.ids)}))`),
    sql` OR `,
  );

/** Each subject's signals as `subjectSignals` returns them (the first 1,000 by id), keyed by subjectKey. */
export async function loadSubjectSignals(
  trx: Kysely<Database>,
  subjects: Subject[],
): Promise<Map<string, RuleSignal[]>> {
  const out = new Map<string, RuleSignal[]>();
  for (const part of partsByPlatform(subjects)) {
    const rows = await sql<{
      id: number;
      subject_type: string;
      subject_id: string;
      kind: string;
      severity: number;
      summary: string;
      event_id: number | null;
      evidence: string;
    }>`
      SELECT id, subject_type, subject_id, kind, severity, summary, event_id, evidence FROM (
        SELECT id, subject_type, subject_id, kind, severity, summary, event_id, evidence,
          ROW_NUMBER() OVER (PARTITION BY subject_type, subject_id ORDER BY id) AS rn
        FROM signals WHERE platform = ${part.platform} AND (${anySubject(part.types)})
      ) s WHERE rn <= 1000 ORDER BY id`.execute(trx);
    for (const r of rows.rows) {
      const view: SignalView = {
        id: Number(r.id),
        kind: r.kind,
        severity: Number(r.severity),
        summary: r.summary,
        event_id: r.event_id == null ? null : Number(r.event_id),
        evidence: fromJson(r.evidence) ?? {},
      };
      const k = subjectKey(part.platform, r.subject_type, r.subject_id);
      let list = out.get(k);
      if (!list) out.set(k, (list = []));
      list.push({ view, cel: celSignal(view) });
    }
  }
  return out;
}

/** Each subject as rules see it (subject.ts), keyed by subjectKey. */
export async function loadSubjectContexts(
  trx: Kysely<Database>,
  subjects: Subject[],
  now: Date,
): Promise<Map<string, Record<string, CelInput>>> {
  const rows = new Map<string, SubjectRows>();
  for (const s of subjects) rows.set(subjectKey(s.platform, s.type, s.id), { actions: [], strikes: 0 });
  for (const g of byPlatformAndType(subjects)) {
    for (const ids of chunks(g.ids, 500)) {
      if (g.type === 'account') {
        for (const a of await trx
          .selectFrom('accounts')
          .selectAll()
          .where('platform', '=', g.platform)
          .where('id', 'in', ids)
          .execute())
          rows.get(subjectKey(g.platform, 'account', a.id))!.account = a;
        const strikes = await trx
          .selectFrom('strikes')
          .select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('platform', '=', g.platform)
          .where('account_id', 'in', ids)
          .groupBy('account_id')
          .execute();
        for (const s of strikes) rows.get(subjectKey(g.platform, 'account', s.account_id))!.strikes = Number(s.n);
      } else if (g.type === 'group') {
        for (const r of await trx
          .selectFrom('groups')
          .selectAll()
          .where('platform', '=', g.platform)
          .where('id', 'in', ids)
          .execute())
          rows.get(subjectKey(g.platform, 'group', r.id))!.group = r;
      }
    }
  }
  for (const part of partsByPlatform(subjects)) {
    const actions = await sql<{ subject_type: string; subject_id: string; status: string }>`
      SELECT subject_type, subject_id, status FROM enforcement_actions WHERE platform = ${part.platform} AND (${anySubject(part.types)})`.execute(
      trx,
    );
    for (const a of actions.rows)
      rows.get(subjectKey(part.platform, a.subject_type, a.subject_id))!.actions.push(a.status);
  }
  const out = new Map<string, Record<string, CelInput>>();
  for (const s of subjects)
    out.set(
      subjectKey(s.platform, s.type, s.id),
      subjectFrom(s.type, s.id, rows.get(subjectKey(s.platform, s.type, s.id))!, now),
    );
  return out;
}

/** Verdicts already recorded for these events, as `rule@version@event`. */
export async function existingVerdicts(trx: Kysely<Database>, eventIds: number[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const ids of chunks(eventIds, 500)) {
    const rows = await trx
      .selectFrom('verdicts')
      .select(['rule_id', 'rule_version', 'event_id'])
      .where('event_id', 'in', ids)
      .execute();
    for (const r of rows) out.add(`${r.rule_id}@${r.rule_version}@${r.event_id}`);
  }
  return out;
}
