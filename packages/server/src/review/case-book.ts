// The review cases of a batch's subjects, held in memory while the batch's verdicts are decided, then written in
// bulk: detection's batched form of requestReview. It follows task-store.ts step by step (open item in the queue raised, else the subject's open case,
// its latest case reopened, or a new one; legal work only linked; routing by the highest open item; the case log in
// the order the steps happened), so a batch leaves exactly what the same verdicts recorded one by one would.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { toJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';
import { LEGAL_QUEUES } from './task-store.ts';
import { chunks } from '../util/chunks.ts';

export interface BookSubject {
  platform: string;
  type: string;
  id: string;
}

/** Existing rows carry their id; rows this batch creates carry a negative stand-in until they are written. */
type Ref = number;

interface CaseState {
  ref: Ref;
  subject: BookSubject;
  status: 'open' | 'closed';
  queue: string;
  priority: number;
  isNew: boolean;
  reopened: boolean;
  routed: boolean;
  closed: boolean;
}

interface ItemState {
  ref: Ref;
  caseRef: Ref | null;
  subject: BookSubject;
  queue: string;
  priority: number;
  reason: string;
  /** Existing items sort by id; new ones after them, in the order they were made. */
  order: number;
  isNew: boolean;
  raised: boolean;
}

interface LogEntry {
  caseRef: Ref;
  itemRef: Ref | null;
  kind: string;
  data: Record<string, unknown>;
}

const keyOf = (s: BookSubject) => `${s.platform}\u0000${s.type}\u0000${s.id}`;
const NEW_ORDER = Number.MAX_SAFE_INTEGER / 2;

export class CaseBook {
  private readonly subjects = new Map<string, { open?: CaseState; latest?: CaseState }>();
  private readonly cases = new Map<Ref, CaseState>();
  private readonly items = new Map<Ref, ItemState[]>(); // open items per case
  private readonly newItems: ItemState[] = [];
  private readonly logs: LogEntry[] = [];
  private next = -1;

  /**
   * Reads the subjects' cases and their open items. On PostgreSQL the cases are locked first (in id order, as other
   * writers lock them), so the items read after are the ones that count until this batch commits.
   */
  static async load(trx: Kysely<Database>, subjects: BookSubject[], postgres: boolean): Promise<CaseBook> {
    const book = new CaseBook();
    const groups = new Map<string, { platform: string; type: string; ids: string[] }>();
    for (const s of subjects) {
      book.subjects.set(keyOf(s), {});
      const g = groups.get(`${s.platform}\u0000${s.type}`) ?? { platform: s.platform, type: s.type, ids: [] };
      g.ids.push(s.id);
      groups.set(`${s.platform}\u0000${s.type}`, g);
    }
    for (const g of groups.values()) {
      for (const ids of chunks([...new Set(g.ids)], 500)) {
        let q = trx
          .selectFrom('cases')
          .select(['id', 'platform', 'subject_type', 'subject_id', 'status', 'queue', 'priority'])
          .where('platform', '=', g.platform)
          .where('subject_type', '=', g.type)
          .where('subject_id', 'in', ids)
          .orderBy('id');
        if (postgres) q = q.forUpdate();
        for (const r of await q.execute()) {
          const subject = { platform: r.platform, type: r.subject_type, id: r.subject_id };
          const c: CaseState = {
            ref: Number(r.id),
            subject,
            status: r.status,
            queue: r.queue,
            priority: r.priority,
            isNew: false,
            reopened: false,
            routed: false,
            closed: false,
          };
          const entry = book.subjects.get(keyOf(subject))!;
          if (c.status === 'open') entry.open = c;
          entry.latest = c; // ordered by id: the last one is the latest
        }
      }
    }
    // Open items of every case a verdict could add to: the open one, or the latest (reopened, or linked by legal work).
    for (const e of book.subjects.values()) {
      for (const c of [e.open, e.latest]) {
        if (c && !book.cases.has(c.ref)) {
          book.cases.set(c.ref, c);
          book.items.set(c.ref, []);
        }
      }
    }
    for (const ids of chunks([...book.cases.keys()], 500)) {
      const rows = await trx
        .selectFrom('case_items')
        .select(['id', 'case_id', 'queue', 'priority', 'reason', 'platform', 'subject_type', 'subject_id'])
        .where('case_id', 'in', ids)
        .where('status', '=', 'open')
        .orderBy('id')
        .execute();
      for (const r of rows) {
        book.items.get(Number(r.case_id))!.push({
          ref: Number(r.id),
          caseRef: Number(r.case_id),
          subject: { platform: r.platform, type: r.subject_type, id: r.subject_id },
          queue: r.queue,
          priority: r.priority,
          reason: r.reason,
          order: Number(r.id),
          isNew: false,
          raised: false,
        });
      }
    }
    return book;
  }

  /** The subject's open case right now (after the verdicts recorded so far), if any. */
  openCase(s: BookSubject): Ref | undefined {
    return this.subjects.get(keyOf(s))?.open?.ref;
  }

  log(caseRef: Ref, kind: string, data: Record<string, unknown>, itemRef: Ref | null = null): void {
    this.logs.push({ caseRef, itemRef, kind, data });
  }

  /**
   * A verdict's review work (engine.ts recordVerdict): the subject's open item in the queue is raised, or an item is
   * added to its case; the verdict is logged in the item's case. Returns the item (its stand-in until written).
   */
  verdict(s: BookSubject, t: { queue: string; priority: number; reason: string }, data: Record<string, unknown>): Ref {
    const entry = this.subject(s);
    let item = entry.open ? this.openItems(entry.open.ref).find((i) => i.queue === t.queue) : undefined;
    if (item) {
      item.priority = Math.max(item.priority, t.priority);
      item.raised = true;
      if (item.caseRef != null) this.route(this.cases.get(item.caseRef)!);
    } else {
      item = this.attach(s, t);
    }
    if (item.caseRef != null) this.log(item.caseRef, 'verdict', data, item.ref);
    return item.ref;
  }

  private subject(s: BookSubject) {
    let e = this.subjects.get(keyOf(s));
    if (!e) this.subjects.set(keyOf(s), (e = {}));
    return e;
  }

  /** Open items of a case, lowest id first (task-store openItemIn). */
  private openItems(caseRef: Ref): ItemState[] {
    return [...(this.items.get(caseRef) ?? [])].sort((a, b) => a.order - b.order);
  }

  /** task-store attachToCase: review work opens (or reopens) the subject's case; legal work only links to one. */
  private attach(s: BookSubject, t: { queue: string; priority: number; reason: string }): ItemState {
    const entry = this.subject(s);
    const legal = LEGAL_QUEUES.includes(t.queue);
    const c = legal ? (entry.open ?? entry.latest) : this.openCaseFor(s);
    const item: ItemState = {
      ref: this.next--,
      caseRef: c?.ref ?? null,
      subject: s,
      queue: t.queue,
      priority: t.priority,
      reason: t.reason,
      order: NEW_ORDER + this.newItems.length,
      isNew: true,
      raised: false,
    };
    this.newItems.push(item);
    if (c) {
      this.items.get(c.ref)!.push(item);
      this.log(
        c.ref,
        legal ? 'legal.linked' : 'item.added',
        { queue: t.queue, priority: t.priority, reason: t.reason },
        item.ref,
      );
      if (!legal) this.route(c);
    }
    return item;
  }

  private openCaseFor(s: BookSubject): CaseState {
    const entry = this.subject(s);
    if (entry.open) return entry.open;
    const last = entry.latest;
    if (last) {
      Object.assign(last, { status: 'open', reopened: true, closed: false });
      entry.open = last;
      this.log(last.ref, 'reopened', {});
      return last;
    }
    const c: CaseState = {
      ref: this.next--,
      subject: s,
      status: 'open',
      queue: 'new',
      priority: 0,
      isNew: true,
      reopened: false,
      routed: false,
      closed: false,
    };
    this.cases.set(c.ref, c);
    this.items.set(c.ref, []);
    entry.open = entry.latest = c;
    this.log(c.ref, 'opened', {});
    return c;
  }

  /** task-store routeCase: queue and priority from the highest open item; no open review work closes the case. */
  private route(c: CaseState): void {
    const top = this.openItems(c.ref)
      .filter((i) => !LEGAL_QUEUES.includes(i.queue))
      .sort((a, b) => b.priority - a.priority || a.order - b.order)[0];
    if (top) {
      if (c.status !== 'open' || c.queue !== top.queue || c.priority !== top.priority)
        Object.assign(c, { queue: top.queue, priority: top.priority, routed: true });
      return;
    }
    if (c.status === 'open') {
      Object.assign(c, { status: 'closed', closed: true });
      const entry = this.subject(c.subject);
      if (entry.open === c) entry.open = undefined;
      this.log(c.ref, 'closed', { resolution: 'resolved' });
    }
  }

  /** Writes the cases, items and log entries; returns how to turn a stand-in into the id it was written as. */
  async write(trx: Kysely<Database>, clock: Clock): Promise<(ref: Ref) => number> {
    const now = iso(clock.now());
    const ids = new Map<Ref, number>();
    const resolve = (ref: Ref) => (ref > 0 ? ref : ids.get(ref)!);
    const fresh = [...this.cases.values()].filter((c) => c.isNew);
    for (const part of chunks(fresh, 200)) {
      const rows = await trx
        .insertInto('cases')
        .values(
          part.map((c) => ({
            platform: c.subject.platform,
            subject_type: c.subject.type,
            subject_id: c.subject.id,
            status: c.status,
            queue: c.queue,
            priority: c.priority,
            claimed_by: null,
            claim_expires_at: null,
            resolution: c.closed ? 'resolved' : null,
            opened_at: now,
            updated_at: now,
            closed_at: c.closed ? now : null,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['platform', 'subject_type', 'subject_id'])
            .where(sql<boolean>`status = 'open'`)
            .doNothing(),
        )
        .returning('id')
        .execute();
      // Another writer opened one of these subjects' cases since they were read: the caller runs the events again.
      if (rows.length !== part.length) throw new Error('a case was opened concurrently');
      part.forEach((c, i) => ids.set(c.ref, Number(rows[i]!.id)));
    }
    for (const c of this.cases.values()) {
      if (c.isNew || !(c.reopened || c.routed || c.closed)) continue;
      const set = {
        updated_at: now,
        ...(c.reopened
          ? { status: 'open' as const, resolution: null, closed_at: null, claimed_by: null, claim_expires_at: null }
          : {}),
        ...(c.routed ? { queue: c.queue, priority: c.priority } : {}),
        ...(c.closed
          ? {
              status: 'closed' as const,
              resolution: 'resolved',
              closed_at: now,
              claimed_by: null,
              claim_expires_at: null,
            }
          : {}),
      };
      let q = trx.updateTable('cases').set(set).where('id', '=', c.ref);
      if (c.reopened) q = q.where('status', '=', 'closed');
      const r = await q.executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new Error(`case ${c.ref} changed while its verdicts were recorded`);
    }
    for (const part of chunks(this.newItems, 200)) {
      const rows = await trx
        .insertInto('case_items')
        .values(
          part.map((i) => ({
            case_id: i.caseRef == null ? null : resolve(i.caseRef),
            platform: i.subject.platform,
            subject_type: i.subject.type,
            subject_id: i.subject.id,
            queue: i.queue,
            priority: i.priority,
            reason: i.reason,
            status: 'open' as const,
            claimed_by: null,
            claim_expires_at: null,
            created_at: now,
            updated_at: now,
            closed_at: null,
            ref: null,
          })),
        )
        .returning('id')
        .execute();
      part.forEach((it, i) => ids.set(it.ref, Number(rows[i]!.id)));
    }
    // Raised items: one statement per resulting priority.
    const raised = new Map<number, number[]>();
    for (const list of this.items.values())
      for (const i of list)
        if (i.raised && !i.isNew) raised.set(i.priority, [...(raised.get(i.priority) ?? []), i.ref]);
    for (const [priority, list] of raised) {
      for (const part of chunks(list, 500))
        await trx.updateTable('case_items').set({ priority, updated_at: now }).where('id', 'in', part).execute();
    }
    for (const part of chunks(this.logs, 300)) {
      await trx
        .insertInto('case_log')
        .values(
          part.map((l) => ({
            case_id: resolve(l.caseRef),
            at: now,
            actor: 'system',
            kind: l.kind,
            item_id: l.itemRef == null ? null : resolve(l.itemRef),
            data: toJson(l.data),
          })),
        )
        .execute();
    }
    return resolve;
  }
}
