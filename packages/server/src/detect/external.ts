// External signal lists (as the Tech Coalition's Lantern shares): handles, invite URLs and hashes
// seen advertised elsewhere. A match is a signal for review, never an automatic ban.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, type Clock } from '../util/time.ts';
import type { Analyser, AnalyserInput, Finding } from './signals.ts';
import { SEVERITY } from './signals.ts';

export type ExternalKind = 'handle' | 'invite_url' | 'md5' | 'sha256' | 'pdq';

/** Handles compare without case or a leading @; URLs without scheme, case of host, or a trailing slash. */
export function normaliseExternal(kind: ExternalKind, value: string): string {
  const v = value.trim();
  if (kind === 'handle') return v.replace(/^@/, '').toLowerCase();
  if (kind === 'invite_url') {
    try {
      const u = new URL(/^[a-z]+:\/\//i.test(v) ? v : `https://${v}`);
      return `${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}${u.search}`;
    } catch {
      return v.toLowerCase();
    }
  }
  return v.toLowerCase();
}

async function lookup(trx: Kysely<Database>, kind: ExternalKind, raw: string, nowIso: string) {
  return trx
    .selectFrom('external_signals')
    .selectAll()
    .where('kind', '=', kind)
    .where('value', '=', normaliseExternal(kind, raw))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
    .orderBy('id')
    .execute();
}

type Probe = { subjectType: string; subjectId: string; kind: ExternalKind; value: string; surface: string };
type ListRow = {
  id: number | bigint | string;
  value: string;
  source: string;
  category: string | null;
  note: string | null;
};

function probesOf(event: AnalyserInput['event']): Probe[] {
  const probes: Probe[] = [];
  if (event.type === 'account.created' || event.type === 'account.updated') {
    if (event.account.username)
      probes.push({
        subjectType: 'account',
        subjectId: event.account.id,
        kind: 'handle',
        value: event.account.username,
        surface: 'username',
      });
    for (const k of ['md5', 'sha256', 'pdq'] as const) {
      const h = event.account.avatar?.[k];
      if (h) probes.push({ subjectType: 'account', subjectId: event.account.id, kind: k, value: h, surface: 'avatar' });
    }
  }
  if ((event.type === 'group.created' || event.type === 'group.updated') && event.group.invite_link) {
    probes.push({
      subjectType: 'group',
      subjectId: event.group.id,
      kind: 'invite_url',
      value: event.group.invite_link,
      surface: 'invite_link',
    });
  }
  if (event.type === 'invite.created')
    probes.push({
      subjectType: 'group',
      subjectId: event.invite.group_id,
      kind: 'invite_url',
      value: event.invite.link,
      surface: 'invite_link',
    });
  if (event.type === 'media.shared') {
    for (const k of ['md5', 'sha256'] as const) {
      const h = event.media[k];
      if (h)
        probes.push({ subjectType: 'media', subjectId: event.media.id, kind: k, value: h, surface: event.surface });
    }
  }
  return probes;
}

/** Every list entry a batch's probes could hit, in one read per kind, keyed by kind and normalised value. */
async function loadForBatch(
  trx: Kysely<Database>,
  inputs: AnalyserInput[],
  nowIso: string,
): Promise<Map<string, ListRow[]>> {
  const wanted = new Map<ExternalKind, Set<string>>();
  for (const i of inputs)
    for (const p of probesOf(i.event))
      (wanted.get(p.kind) ?? wanted.set(p.kind, new Set()).get(p.kind)!).add(normaliseExternal(p.kind, p.value));
  const out = new Map<string, ListRow[]>();
  for (const [kind, values] of wanted) {
    const all = [...values];
    for (let i = 0; i < all.length; i += 500) {
      const rows = await trx
        .selectFrom('external_signals')
        .selectAll()
        .where('kind', '=', kind)
        .where('value', 'in', all.slice(i, i + 500))
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
        .orderBy('id')
        .execute();
      for (const r of rows) out.set(`${kind}\u0000${r.value}`, [...(out.get(`${kind}\u0000${r.value}`) ?? []), r]);
    }
  }
  return out;
}

export const externalAnalyser: Analyser = async ({ trx, event, clock, batch }) => {
  const now = clock.now().toISOString();
  const probes = probesOf(event);
  if (!probes.length) return [];
  const lists = batch ? await batch.once('external:lists', () => loadForBatch(trx, batch.inputs, now)) : undefined;
  const out: Finding[] = [];
  for (const p of probes) {
    const hits = lists
      ? (lists.get(`${p.kind}\u0000${normaliseExternal(p.kind, p.value)}`) ?? [])
      : await lookup(trx, p.kind, p.value, now);
    for (const hit of hits) {
      out.push({
        subjectType: p.subjectType,
        subjectId: p.subjectId,
        kind: 'external.match',
        severity: SEVERITY.medium,
        summary: `${p.surface} matches a ${p.kind} listed by ${hit.source}${hit.category ? ` (${hit.category})` : ''}`,
        evidence: {
          list_kind: p.kind,
          value: hit.value,
          source: hit.source,
          category: hit.category,
          note: hit.note,
          surface: p.surface,
          entry_id: Number(hit.id),
        },
        key: `${p.kind}:${hit.id}`,
      });
    }
  }
  return out;
};

export interface ExternalList {
  source: string;
  expires_at?: string;
  entries: { kind: ExternalKind; value: string; category?: string; note?: string }[];
}

/** Imports a list of handles, invite URLs or hashes seen elsewhere (audited); entries already listed by the source are kept. */
export async function importExternalSignals(
  db: Kysely<Database>,
  b: ExternalList,
  actor: string,
  clock: Clock,
): Promise<{ imported: number; already_present: number }> {
  const now = iso(clock.now());
  return db.transaction().execute(async (trx) => {
    let imported = 0;
    for (let i = 0; i < b.entries.length; i += 500) {
      const rows = b.entries.slice(i, i + 500).map((e) => ({
        kind: e.kind,
        value: normaliseExternal(e.kind, e.value),
        source: b.source,
        category: e.category ?? null,
        note: e.note ?? null,
        expires_at: b.expires_at ? new Date(b.expires_at).toISOString() : null,
        created_at: now,
      }));
      const r = await trx
        .insertInto('external_signals')
        .values(rows)
        .onConflict((oc) => oc.columns(['kind', 'value', 'source']).doNothing())
        .returning('id')
        .execute();
      imported += r.length;
    }
    await appendAudit(
      trx,
      {
        actor,
        action: 'external_signals.import',
        subjectType: 'external_list',
        subjectId: b.source,
        data: { entries: b.entries.length, imported, expires_at: b.expires_at ?? null },
      },
      clock,
    );
    return { imported, already_present: b.entries.length - imported };
  });
}
