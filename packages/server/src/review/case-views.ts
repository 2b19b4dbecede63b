// How cases read: list rows (subject by name, claim holder by name, why it is here once per rule with
// counts) and the full case (items, log, what this reviewer may do, the subject's other cases and its
// enforcement history, including actions taken through its groups).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { fromJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { SEVERITY_BANDS, severityOf, allowedDecisions, defaultActions, loadCase, type Severity } from './cases.ts';
import { LEGAL_QUEUES, logCase } from './task-store.ts';
import { VigilError } from '../errors.ts';

type CaseRow = {
  id: number;
  platform: string;
  subject_type: string;
  subject_id: string;
  queue: string;
  priority: number;
  status: 'open' | 'closed';
  opened_at: string;
  updated_at: string;
  claimed_by: number | null;
  claim_expires_at: string | null;
};

export interface CaseFilters {
  status: 'open' | 'closed' | 'all';
  queue?: string;
  severity?: Severity;
  subject_type?: string;
  assignee?: string; // me | none | <staff id>
  q?: string;
  limit: number;
  cursor?: string;
}

const staffNames = async (db: Kysely<Database>, ids: number[]) => {
  const u = [...new Set(ids.filter((n) => Number.isFinite(n)))];
  const rows = u.length ? await db.selectFrom('staff').select(['id', 'username']).where('id', 'in', u).execute() : [];
  return new Map(rows.map((r) => [Number(r.id), r.username]));
};

/** Readable names for subjects: "Display (@username)" for accounts, the name for groups. */
async function subjectLabels(db: Kysely<Database>, subjects: { platform: string; type: string; id: string }[]) {
  const out = new Map<string, string>();
  const key = (p: string, t: string, i: string) => `${p}\u0000${t}\u0000${i}`;
  const ids = (t: string) => [...new Set(subjects.filter((s) => s.type === t).map((s) => s.id))];
  const acc = ids('account');
  for (const a of acc.length
    ? await db
        .selectFrom('accounts')
        .select(['platform', 'id', 'username', 'display_name'])
        .where('id', 'in', acc)
        .execute()
    : []) {
    const label =
      a.display_name && a.username
        ? `${a.display_name} (@${a.username})`
        : a.username
          ? `@${a.username}`
          : a.display_name;
    if (label) out.set(key(a.platform, 'account', a.id), label);
  }
  const grp = ids('group');
  for (const g of grp.length
    ? await db.selectFrom('groups').select(['platform', 'id', 'name']).where('id', 'in', grp).execute()
    : [])
    if (g.name) out.set(key(g.platform, 'group', g.id), g.name);
  return (s: { platform: string; type: string; id: string }) =>
    out.get(key(s.platform, s.type, s.id)) ?? (s.type === 'flagged' ? `not yet seen: ${s.id}` : s.id);
}

/** Why each case is here: once per rule (or per non-rule reason), with how many times it fired. */
async function reasonsFor(db: Kysely<Database>, cases: CaseRow[]) {
  const out = new Map<number, { rule: string; count: number }[]>();
  if (!cases.length) return out;
  const openIds = cases.filter((c) => c.status === 'open').map((c) => Number(c.id));
  const closedIds = cases.filter((c) => c.status !== 'open').map((c) => Number(c.id));
  // Open cases: why they are open now; closed cases: everything that was in them.
  const items = await db
    .selectFrom('case_items')
    .select(['id', 'case_id', 'reason', 'queue', 'status'])
    .where((eb) =>
      eb.or([
        ...(openIds.length ? [eb.and([eb('case_id', 'in', openIds), eb('status', '=', 'open')])] : []),
        ...(closedIds.length ? [eb('case_id', 'in', closedIds)] : []),
      ]),
    )
    .where('queue', 'not in', [...LEGAL_QUEUES])
    .execute();
  const itemIds = items.map((i) => Number(i.id));
  const verdicts = itemIds.length
    ? await db
        .selectFrom('verdicts')
        .innerJoin('rules', 'rules.id', 'verdicts.rule_id')
        .select(['verdicts.task_id', 'rules.name', sql<number>`count(*)`.as('n')])
        .where('verdicts.task_id', 'in', itemIds)
        .groupBy(['verdicts.task_id', 'rules.name'])
        .execute()
    : [];
  const byItem = new Map<number, { name: string; n: number }[]>();
  for (const v of verdicts)
    byItem.set(Number(v.task_id), [...(byItem.get(Number(v.task_id)) ?? []), { name: v.name, n: Number(v.n) }]);
  for (const it of items) {
    const list = out.get(Number(it.case_id)) ?? [];
    const add = (rule: string, n: number) => {
      const e = list.find((x) => x.rule === rule);
      if (e) e.count += n;
      else list.push({ rule, count: n });
    };
    const vs = byItem.get(Number(it.id));
    if (vs?.length) vs.forEach((v) => add(v.name, v.n));
    else add(it.reason, 1);
    if (it.queue === 'escalated' && it.status === 'open') add('escalated by a reviewer', 1);
    out.set(Number(it.case_id), list);
  }
  for (const l of out.values()) l.sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
  return out;
}

async function caseSummaries(db: Kysely<Database>, rows: CaseRow[], clock: Clock) {
  const now = iso(clock.now());
  const label = await subjectLabels(
    db,
    rows.map((r) => ({ platform: r.platform, type: r.subject_type, id: r.subject_id })),
  );
  const live = (r: CaseRow) =>
    r.claimed_by != null && r.claim_expires_at && r.claim_expires_at >= now ? Number(r.claimed_by) : null;
  const names = await staffNames(
    db,
    rows.map(live).filter((x): x is number => x !== null),
  );
  const reasons = await reasonsFor(db, rows);
  return rows.map((r) => {
    const holder = live(r);
    return {
      id: Number(r.id),
      platform: r.platform,
      subject: {
        type: r.subject_type,
        id: r.subject_id,
        label: label({ platform: r.platform, type: r.subject_type, id: r.subject_id }),
      },
      queue: r.queue,
      priority: r.priority,
      severity: severityOf(r.priority),
      status: r.status,
      opened_at: r.opened_at,
      updated_at: r.updated_at,
      claimed_by: holder === null ? null : { id: holder, username: names.get(holder) ?? `staff ${holder}` },
      reasons: reasons.get(Number(r.id)) ?? [],
    };
  });
}

const encodeCursor = (r: CaseRow) =>
  Buffer.from(JSON.stringify([r.priority, r.opened_at, Number(r.id)])).toString('base64url');
function decodeCursor(c: string): [number, string, number] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string' && typeof v[2] === 'number')
      return v as [number, string, number];
  } catch {
    /* fall through */
  }
  throw new VigilError('invalid_cursor', 'the cursor is not one this server gave out; start again without it');
}

const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** Cases by priority, then age; `total` counts every case matching the filters, whatever the page. */
export async function listCases(db: Kysely<Database>, f: CaseFilters, staffId: number, clock: Clock) {
  const now = iso(clock.now());
  let q = db.selectFrom('cases');
  if (f.status !== 'all') q = q.where('status', '=', f.status);
  if (f.queue) q = q.where('queue', '=', f.queue);
  if (f.subject_type) q = q.where('subject_type', '=', f.subject_type);
  if (f.severity) {
    const [lo, hi] = SEVERITY_BANDS[f.severity];
    q = q.where('priority', '>=', lo).where('priority', '<', hi);
  }
  if (f.assignee === 'none')
    q = q.where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claim_expires_at', '<', now)]));
  else if (f.assignee) {
    const who = f.assignee === 'me' ? staffId : Number(f.assignee);
    q = q.where('claimed_by', '=', who).where('claim_expires_at', '>=', now);
  }
  if (f.q?.trim()) {
    const text = f.q.trim();
    const pat = likePattern(text);
    const like = (col: string) => sql<boolean>`lower(${sql.ref(col)}) like ${pat} escape '\\'`;
    const asId = /^#?(\d{1,15})$/.exec(text);
    q = q.where((eb) =>
      eb.or([
        like('cases.subject_id'),
        ...(asId ? [eb('cases.id', '=', Number(asId[1]))] : []),
        eb.and([
          eb('cases.subject_type', '=', 'account'),
          eb.exists(
            eb
              .selectFrom('accounts')
              .select('accounts.id')
              .whereRef('accounts.platform', '=', 'cases.platform')
              .whereRef('accounts.id', '=', 'cases.subject_id')
              .where((e2) => e2.or([like('accounts.username'), like('accounts.display_name')])),
          ),
        ]),
        eb.and([
          eb('cases.subject_type', '=', 'group'),
          eb.exists(
            eb
              .selectFrom('groups')
              .select('groups.id')
              .whereRef('groups.platform', '=', 'cases.platform')
              .whereRef('groups.id', '=', 'cases.subject_id')
              .where(like('groups.name')),
          ),
        ]),
      ]),
    );
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  let page = q.selectAll('cases');
  if (f.cursor) {
    const [p, o, id] = decodeCursor(f.cursor);
    page = page.where((eb) =>
      eb.or([
        eb('priority', '<', p),
        eb.and([
          eb('priority', '=', p),
          eb.or([eb('opened_at', '>', o), eb.and([eb('opened_at', '=', o), eb('id', '>', id)])]),
        ]),
      ]),
    );
  }
  const rows = (await page
    .orderBy('priority', 'desc')
    .orderBy('opened_at')
    .orderBy('id')
    .limit(f.limit + 1)
    .execute()) as unknown as CaseRow[];
  const more = rows.length > f.limit;
  const shown = rows.slice(0, f.limit);
  return {
    cases: await caseSummaries(db, shown, clock),
    total,
    next_cursor: more ? encodeCursor(shown[shown.length - 1]!) : null,
  };
}

const actorOf = (a: string, names: Map<number, string>) => {
  const [kind, rest] = a.includes(':') ? [a.slice(0, a.indexOf(':')), a.slice(a.indexOf(':') + 1)] : [a, ''];
  if (kind === 'staff') return { kind, id: rest, label: names.get(Number(rest)) ?? `staff ${rest}` };
  return { kind, id: rest || null, label: kind === 'system' ? 'Vigil' : kind === 'platform' ? `platform ${rest}` : a };
};

/** A subject's enforcement history: its own actions and, for an account, actions on groups it belongs to. */
async function enforcementHistory(db: Kysely<Database>, s: { platform: string; type: string; id: string }) {
  const own = await db
    .selectFrom('enforcement_actions')
    .selectAll()
    .where('platform', '=', s.platform)
    .where('subject_type', '=', s.type)
    .where('subject_id', '=', s.id)
    .orderBy('id', 'desc')
    .execute();
  let viaGroups: typeof own = [];
  if (s.type === 'account') {
    const groups = (
      await db
        .selectFrom('group_members')
        .select('group_id')
        .where('platform', '=', s.platform)
        .where('account_id', '=', s.id)
        .execute()
    ).map((g) => g.group_id);
    viaGroups = groups.length
      ? await db
          .selectFrom('enforcement_actions')
          .selectAll()
          .where('platform', '=', s.platform)
          .where('subject_type', '=', 'group')
          .where('subject_id', 'in', groups)
          .where('action', '=', 'takedown_group')
          .where('status', '=', 'active')
          .orderBy('id', 'desc')
          .execute()
      : [];
  }
  const names = await staffNames(
    db,
    [...own, ...viaGroups].flatMap((a) => [
      Number(a.decided_by),
      ...(a.approved_by != null ? [Number(a.approved_by)] : []),
    ]),
  );
  const groupIds = [
    ...new Set([
      ...own.map((a) => fromJson<{ group_id?: string }>(a.params)?.group_id).filter((x): x is string => !!x),
      ...viaGroups.map((a) => a.subject_id),
    ]),
  ];
  const label = await subjectLabels(
    db,
    groupIds.map((id) => ({ platform: s.platform, type: 'group', id })),
  );
  const row = (a: (typeof own)[number], via: { action_id: number; group_id: string } | null) => ({
    id: Number(a.id),
    action: a.action,
    status: a.status,
    reason: a.reason,
    created_at: a.created_at,
    expires_at: a.expires_at,
    case_id: a.case_id == null ? null : Number(a.case_id),
    decided_by: { id: Number(a.decided_by), username: names.get(Number(a.decided_by)) ?? `staff ${a.decided_by}` },
    approved_by:
      a.approved_by == null
        ? null
        : { id: Number(a.approved_by), username: names.get(Number(a.approved_by)) ?? `staff ${a.approved_by}` },
    via: via ? { ...via, group_label: label({ platform: s.platform, type: 'group', id: via.group_id }) } : null,
  });
  return [
    ...own.map((a) =>
      row(
        a,
        a.via_action_id != null
          ? { action_id: Number(a.via_action_id), group_id: fromJson<{ group_id?: string }>(a.params)?.group_id ?? '' }
          : null,
      ),
    ),
    ...viaGroups.map((a) => row(a, { action_id: Number(a.id), group_id: a.subject_id })),
  ].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
}

/** The whole case for the case page; a staff member opening it is recorded (at most once per ten minutes). */
export async function caseDetail(
  db: Kysely<Database>,
  id: number,
  staff: { staffId: number; role: string },
  clock: Clock,
) {
  const c = (await loadCase(db, id)) as unknown as CaseRow & { closed_at: string | null; resolution: string | null };
  const actor = `staff:${staff.staffId}`;
  const lastView = await db
    .selectFrom('case_log')
    .select('at')
    .where('case_id', '=', id)
    .where('actor', '=', actor)
    .where('kind', '=', 'view')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!lastView || Date.parse(lastView.at) < clock.now().getTime() - 10 * 60_000)
    await logCase(db, id, { actor, kind: 'view' }, clock);
  const [summary] = await caseSummaries(db, [c], clock);
  const items = await db.selectFrom('case_items').selectAll().where('case_id', '=', id).orderBy('id').execute();
  const itemIds = items.map((i) => Number(i.id));
  const verdicts = itemIds.length
    ? await db.selectFrom('verdicts').selectAll().where('task_id', 'in', itemIds).orderBy('id').execute()
    : [];
  const ruleIds = [...new Set(verdicts.map((v) => Number(v.rule_id)))];
  const rules = new Map(
    (ruleIds.length
      ? await db.selectFrom('rules').select(['id', 'name', 'version']).where('id', 'in', ruleIds).execute()
      : []
    ).map((r) => [Number(r.id), r]),
  );
  const log = await db.selectFrom('case_log').selectAll().where('case_id', '=', id).orderBy('id').execute();
  const names = await staffNames(
    db,
    log.filter((l) => l.actor.startsWith('staff:')).map((l) => Number(l.actor.slice(6))),
  );
  const subject = { platform: c.platform, type: c.subject_type, id: c.subject_id };
  const others = await db
    .selectFrom('cases')
    .selectAll()
    .where('platform', '=', c.platform)
    .where('subject_type', '=', c.subject_type)
    .where('subject_id', '=', c.subject_id)
    .where('id', '!=', id)
    .orderBy('id', 'desc')
    .execute();
  const now = iso(clock.now());
  const holder = c.claimed_by != null && c.claim_expires_at && c.claim_expires_at >= now ? Number(c.claimed_by) : null;
  const reviewer = ['admin', 'lead', 'reviewer'].includes(staff.role);
  const decisions = reviewer && c.status === 'open' ? await allowedDecisions(db, id, staff.staffId, staff.role) : [];
  return {
    ...summary!,
    closed_at: c.closed_at,
    resolution: c.resolution,
    claim_expires_at: holder === null ? null : c.claim_expires_at,
    items: items.map((i) => ({
      id: Number(i.id),
      queue: i.queue,
      priority: i.priority,
      severity: severityOf(i.priority),
      reason: i.reason,
      status: i.status,
      created_at: i.created_at,
      closed_at: i.closed_at,
      ref: fromJson(i.ref),
      verdicts: verdicts
        .filter((v) => Number(v.task_id) === Number(i.id))
        .map((v) => {
          const r = rules.get(Number(v.rule_id));
          return {
            rule: { id: Number(v.rule_id), name: r?.name ?? `rule ${v.rule_id}`, version: v.rule_version },
            event_id: Number(v.event_id),
            outcome: fromJson(v.outcome),
            signal_ids: fromJson<number[]>(v.signal_ids),
          };
        }),
    })),
    log: log.map((l) => ({
      id: Number(l.id),
      at: l.at,
      actor: actorOf(l.actor, names),
      kind: l.kind,
      item_id: l.item_id == null ? null : Number(l.item_id),
      data: fromJson(l.data),
    })),
    allowed: {
      claim: reviewer && c.status === 'open' && holder !== staff.staffId && holder === null,
      release: reviewer && c.status === 'open' && holder === staff.staffId,
      note: reviewer,
      decisions,
    },
    default_actions: c.status === 'open' ? await defaultActions(db, subject) : [],
    other_cases: (await caseSummaries(db, others as unknown as CaseRow[], clock)).map((o, i) => ({
      ...o,
      closed_at: others[i]!.closed_at,
      resolution: others[i]!.resolution,
    })),
    enforcement: await enforcementHistory(db, subject),
  };
}
