// Law-enforcement requests. A preservation request (18 U.S.C. 2703(f)) places 90-day legal holds on
// its subjects, renewable once for another 90; holds extend the vault's retention. Deadlines get a
// reminder task three days ahead. Nothing about a request is ever sent to the platform or the user
// (no webhooks), and a non-disclosure order is recorded and shown on the request.
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Database, LeRequestsTable } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { requestReview } from '../review/index.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { fromJson } from '../util/json.ts';
import { VigilError, notFound } from '../errors.ts';

export const LE_KINDS = ['preservation', 'subpoena', 'court_order', 'search_warrant', 'emergency'] as const;
const PRESERVATION_DAYS = 90;
const DAY = 86_400_000;

export const leRequestInput = z
  .object({
    kind: z.enum(LE_KINDS),
    agency: z.string().min(2).max(300),
    case_number: z.string().min(1).max(200),
    contact: z.string().max(1000).optional(),
    received_at: z.string().datetime({ offset: true }),
    due_at: z.string().datetime({ offset: true }).optional(),
    subjects: z
      .array(
        z.object({
          platform: z.string().default('default'),
          type: z.enum(['account', 'group', 'media']),
          id: z.string().min(1),
        }),
      )
      .min(1)
      .max(100),
    nondisclosure_until: z.string().datetime({ offset: true }).optional(),
    notes: z.string().max(5000).optional(),
  })
  .strict();

/** Said plainly, to the requester and to staff: what this service holds and can produce. */
export const PRODUCIBLE = {
  can_produce: [
    'account and group records the platform sent to this service: identifiers, usernames, display names, bios, profile and group photos (as references and hashes), creation times, IP addresses the platform supplied',
    'group membership, invite links and join history as received from the platform',
    'enforcement history: decisions, actions, appeals, with times and reasons',
    'content a user reported (the reporter chose to reveal it) and media preserved for a CyberTipline report, while retained (one year, longer under a legal hold)',
    'hash-match records: which bank entry matched which media, at what distance',
  ],
  cannot_produce: [
    'the content of end-to-end-encrypted messages nobody reported: this service never receives it',
    'anything after its retention ended and it was destroyed (the destruction record remains)',
  ],
} as const;

/** Past the deadline, or within the three days the reminder task also uses. */
function deadline(at: string | null, now: Date): 'overdue' | 'due_soon' | null {
  if (!at) return null;
  const left = Date.parse(at) - now.getTime();
  return left <= 0 ? 'overdue' : left <= 3 * DAY ? 'due_soon' : null;
}

export function leJson(r: Selectable<LeRequestsTable>, now: Date) {
  return {
    id: Number(r.id),
    kind: r.kind,
    agency: r.agency,
    case_number: r.case_number,
    contact: r.contact,
    received_at: r.received_at,
    due_at: r.due_at,
    subjects: fromJson<unknown[]>(r.subjects),
    status: r.status,
    outcome: r.outcome,
    productions: fromJson<unknown[]>(r.productions),
    preservation_until: r.preservation_until,
    renewed: !!r.renewed,
    notes: r.notes,
    nondisclosure: r.nondisclosure_until
      ? { until: r.nondisclosure_until, active: Date.parse(r.nondisclosure_until) > now.getTime() }
      : null,
    created_at: r.created_at,
    due_state: r.status === 'open' ? deadline(r.due_at, now) : null,
    preservation_state: r.status === 'open' && r.kind === 'preservation' ? deadline(r.preservation_until, now) : null,
  };
}

async function hold(
  trx: Kysely<Database>,
  subjects: { platform: string; type: string; id: string }[],
  until: Date,
  reason: string,
  clock: Clock,
) {
  for (const s of subjects)
    await trx
      .insertInto('legal_holds')
      .values({
        platform: s.platform,
        subject_type: s.type,
        subject_id: s.id,
        reason,
        task_id: null,
        created_at: iso(clock.now()),
        expires_at: iso(until),
      })
      .execute();
}

export async function createLeRequest(
  db: Kysely<Database>,
  input: z.infer<typeof leRequestInput>,
  actor: string,
  clock: Clock,
) {
  return db.transaction().execute(async (trx) => {
    const now = clock.now();
    const preservationUntil =
      input.kind === 'preservation' ? addMs(new Date(input.received_at), PRESERVATION_DAYS * DAY) : null;
    const row = await trx
      .insertInto('le_requests')
      .values({
        kind: input.kind,
        agency: input.agency,
        case_number: input.case_number,
        contact: input.contact ?? null,
        received_at: input.received_at,
        due_at: input.due_at ?? null,
        subjects: JSON.stringify(input.subjects),
        nondisclosure_until: input.nondisclosure_until ?? null,
        status: 'open',
        outcome: null,
        productions: '[]',
        preservation_until: preservationUntil ? iso(preservationUntil) : null,
        renewed: 0,
        reminded_at: null,
        notes: input.notes ?? null,
        created_by: actor,
        created_at: iso(now),
        updated_at: iso(now),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (preservationUntil)
      await hold(
        trx,
        input.subjects,
        preservationUntil,
        `preservation request ${input.case_number} (${input.agency})`,
        clock,
      );
    await appendAudit(
      trx,
      {
        actor,
        action: 'le.request.create',
        subjectType: 'le_request',
        subjectId: String(row.id),
        data: {
          kind: input.kind,
          agency: input.agency,
          case_number: input.case_number,
          subjects: input.subjects.length,
        },
      },
      clock,
    );
    return Number(row.id);
  });
}

export async function loadLeRequest(db: Kysely<Database>, id: number) {
  const r = await db.selectFrom('le_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound(`law-enforcement request ${id}`);
  return r;
}

/** A preservation request may be extended once by another 90 days (2703(f)(2)). */
export async function renewPreservation(db: Kysely<Database>, id: number, actor: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const r = await loadLeRequest(trx, id);
    if (r.kind !== 'preservation') throw new VigilError('conflict', 'only preservation requests are renewed');
    if (r.renewed) throw new VigilError('conflict', 'a preservation request is renewed once (90 + 90 days)');
    const until = addMs(new Date(r.preservation_until!), PRESERVATION_DAYS * DAY);
    await trx
      .updateTable('le_requests')
      .set({ renewed: 1, preservation_until: iso(until), updated_at: iso(clock.now()) })
      .where('id', '=', id)
      .execute();
    await hold(trx, fromJson(r.subjects), until, `preservation request ${r.case_number} renewed`, clock);
    await appendAudit(
      trx,
      {
        actor,
        action: 'le.request.renew',
        subjectType: 'le_request',
        subjectId: String(id),
        data: { until: iso(until) },
      },
      clock,
    );
  });
}

export interface LeChange {
  status?: Selectable<LeRequestsTable>['status'];
  agency?: string;
  case_number?: string;
  contact?: string | null;
  outcome?: string | null;
  notes?: string | null;
  due_at?: string | null;
  nondisclosure_until?: string | null;
}

export async function updateLeRequest(db: Kysely<Database>, id: number, change: LeChange, actor: string, clock: Clock) {
  await db.transaction().execute(async (trx) => {
    const r = await loadLeRequest(trx, id);
    // Before and after per field, as for report edits; a new deadline gets its own reminder.
    const before = Object.fromEntries(Object.keys(change).map((k) => [k, r[k as keyof typeof r] ?? null]));
    const reminder = change.due_at !== undefined && change.due_at !== r.due_at ? { reminded_at: null } : {};
    await trx
      .updateTable('le_requests')
      .set({ ...change, ...reminder, updated_at: iso(clock.now()) })
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      {
        actor,
        action: 'le.request.update',
        subjectType: 'le_request',
        subjectId: String(id),
        data: { ...change, before },
      },
      clock,
    );
  });
}

export async function recordProduction(
  db: Kysely<Database>,
  id: number,
  p: { items: number[]; manifest_sha256: string; note?: string },
  actor: string,
  clock: Clock,
) {
  const r = await loadLeRequest(db, id);
  const productions = [...fromJson<unknown[]>(r.productions), { at: iso(clock.now()), by: actor, ...p }];
  await db
    .updateTable('le_requests')
    .set({ productions: JSON.stringify(productions), status: 'produced', updated_at: iso(clock.now()) })
    .where('id', '=', id)
    .execute();
  await appendAudit(
    db,
    { actor, action: 'le.request.produce', subjectType: 'le_request', subjectId: String(id), data: p },
    clock,
  );
}

/** Opens one reminder task per request due within three days; ends preservation requests past their term. */
export async function leHousekeeping(
  db: Kysely<Database>,
  clock: Clock,
): Promise<{ reminded: number; expired: number }> {
  const now = clock.now();
  const soon = iso(addMs(now, 3 * DAY));
  const due = await db
    .selectFrom('le_requests')
    .selectAll()
    .where('status', '=', 'open')
    .where('due_at', 'is not', null)
    .where('due_at', '<=', soon)
    .where('reminded_at', 'is', null)
    .execute();
  for (const r of due) {
    await db.transaction().execute(async (trx) => {
      await requestReview(
        trx,
        {
          platform: 'default',
          subjectType: 'le_request',
          subjectId: String(r.id),
          queue: 'legal-requests',
          priority: 90,
          reason: `${r.kind} from ${r.agency} (${r.case_number}) due ${r.due_at}`,
          ref: { le_request_id: Number(r.id) },
        },
        clock,
      );
      await trx
        .updateTable('le_requests')
        .set({ reminded_at: iso(now) })
        .where('id', '=', Number(r.id))
        .execute();
    });
  }
  const ended = await db
    .updateTable('le_requests')
    .set({ status: 'expired', updated_at: iso(now) })
    .where('kind', '=', 'preservation')
    .where('status', '=', 'open')
    .where('preservation_until', '<', iso(now))
    .executeTakeFirst();
  return { reminded: due.length, expired: Number(ended.numUpdatedRows) };
}
