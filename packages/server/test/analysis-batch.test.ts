// Batched analysis (detect/analyse-batch.ts) on both dialects: a batch leaves exactly what the same events analysed
// one at a time leave (signals the later events' rules see, cases opened, raised and reopened, flags moving, lists,
// behaviour over many joins, reports, the applied state); a poison event fails alone while the rest of its batch
// commits, and the later events of its subject wait; analyseBatch is callable on its own transaction.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { DIALECTS, testApp, silentLog, type TestApp } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { enqueue } from '../src/queue/jobs.ts';
import { applyBatch } from '../src/ingest/apply.ts';
import { analysers, jobHandlers } from '../src/service.ts';
import { partitionOf } from '../src/queue/partition.ts';
import { attachToCase, closeItems } from '../src/review/task-store.ts';
import { fileFlags } from '../src/flags/intake.ts';
import { analyseBatch } from '../src/detect/analyse-batch.ts';
import { ensureDefaultRules } from '../src/detect/rules-store.ts';
import { ensureDefaultTermList } from '../src/detect/term-lists.ts';
import type { Database } from '../src/db/schema.ts';
import { analysisAudit } from './analysis-audit.ts';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A mix that crosses every path: coded names, a group filling up through one link, reports, lists, flags, reopening. */
function mixedEvents() {
  const ev: Record<string, unknown>[] = [];
  let n = 0;
  const push = (e: Record<string, unknown>) => ev.push({ id: `m-${n}`, occurred_at: at(n++), ...e });
  push({
    type: 'group.created',
    group: { id: 'g1', name: 'c.p trade 🔞 links', invite_link: 'https://chat.example/j/g1' },
  });
  for (let i = 0; i < 24; i++)
    push({ type: 'account.created', account: { id: `a${i}`, username: `joiner_${i}`, created_at: at(0) } });
  for (let i = 0; i < 24; i++)
    push({
      type: 'group.member_joined',
      group_id: 'g1',
      account_id: `a${i}`,
      invite_link: 'https://chat.example/j/g1',
    });
  push({ type: 'account.created', account: { id: 'acct-old', username: 'cp_links_dm', display_name: 'Old' } });
  push({ type: 'account.created', account: { id: 'ghost', username: 'Ghost_Trader' } });
  push({ type: 'account.created', account: { id: 'listed', username: '@Listed_Handle' } });
  for (let i = 0; i < 3; i++)
    push({
      type: 'report.filed',
      report: { id: `r${i}`, reporter_id: `a${i}`, subject: { type: 'account', id: 'target' }, reason: 'child_safety' },
    });
  push({ type: 'account.updated', account: { id: 'acct-old', bio: 'cp links, dm me' } });
  push({ type: 'group.created', group: { id: 'g2', name: 'book club', invite_link: 'https://chat.example/j/g2' } });
  push({ type: 'group.updated', group: { id: 'g1', description: 't a b o o vids swap' } });
  push({ type: 'group.member_joined', group_id: 'g2', account_id: 'ghost' });
  push({ type: 'account.updated', account: { id: 'ghost', display_name: 'Ghost' } });
  return ev;
}

/** What both runs start with: a closed case to reopen, an external list entry, a flag about a handle not yet seen. */
async function prepare(ta: TestApp) {
  const db = ta.ctx.db.kysely;
  await ensureDefaultRules(db, ta.clock);
  await ensureDefaultTermList(db, ta.clock);
  const { itemId } = await db.transaction().execute((trx) =>
    attachToCase(
      trx,
      {
        platform: 'default',
        subjectType: 'account',
        subjectId: 'acct-old',
        queue: 'accounts',
        priority: 10,
        reason: 'earlier',
      },
      ta.clock,
    ),
  );
  await db.transaction().execute((trx) => closeItems(trx, [itemId], ta.clock, { resolution: 'no violation' }));
  await db
    .insertInto('external_signals')
    .values({
      kind: 'handle',
      value: 'listed_handle',
      source: 'lantern',
      category: 'trading',
      note: null,
      expires_at: null,
      created_at: ta.clock.now().toISOString(),
    })
    .execute();
  await fileFlags(
    db,
    'default',
    [{ subject: { kind: 'handle', value: '@ghost_trader' }, category: 'trading' }],
    { source: 'public', orgId: null, reporterKey: 'k', actor: 'test' },
    ta.ctx.cfg.flags,
    ta.clock,
  );
}

async function drain(w: Worker) {
  for (let i = 0; i < 10_000; i++) if (!(await w.runOnce())) return;
  throw new Error('queue did not drain');
}

/**
 * Every row analysis and apply write, with the flag references (random) blanked and signals named by their dedupe
 * key instead of their id: an insert that met an existing key consumes an id on some engines, and the batch
 * deduplicates in memory first, so the same signals can be numbered differently.
 */
async function snapshot(db: Kysely<Database>) {
  const rows = async (table: string, order = 'id') =>
    JSON.parse(
      JSON.stringify((await sql.raw(`SELECT * FROM ${table} ORDER BY ${order}`).execute(db)).rows, (_, v) =>
        typeof v === 'bigint' ? Number(v) : v,
      ).replace(/VGL-[0-9A-Z]{5}-[0-9A-Z]{5}/g, 'VGL-ref'),
    );
  const signals = await rows('signals');
  const name = new Map<number, string>(
    signals.map((s: { id: number; dedupe_key: string }) => [Number(s.id), s.dedupe_key]),
  );
  const named = (ids: number[]) => ids.map((i) => name.get(Number(i)) ?? `missing ${i}`);
  const out: Record<string, any> = {};
  out.signals = signals.map(({ id: _, ...s }: { id: number }) => s);
  out.verdicts = (await rows('verdicts')).map((v: { signal_ids: string }) => ({
    ...v,
    signal_ids: named(JSON.parse(v.signal_ids)),
  }));
  out.case_log = (await rows('case_log')).map((l: { data: string }) => {
    const d = JSON.parse(l.data);
    if (d.signal_id !== undefined) d.signal_id = named([d.signal_id])[0];
    if (d.signal_ids) d.signal_ids = named(d.signal_ids);
    return { ...l, data: d };
  });
  for (const t of ['cases', 'case_items', 'flags', 'webhook_outbox']) out[t] = await rows(t);
  out.accounts = await rows('accounts', 'platform, id');
  out.groups = await rows('groups', 'platform, id');
  out.group_members = await rows('group_members', 'platform, group_id, account_id');
  out.events = (await rows('events')).map((e: { id: number; processed_at: string }) => ({
    id: e.id,
    processed_at: e.processed_at,
  }));
  return out;
}

for (const dialect of DIALECTS) {
  describe(`batched analysis (${dialect})`, { timeout: 240_000 }, () => {
    let batched: TestApp;
    let single: TestApp;
    before(async () => {
      [batched, single] = await Promise.all([testApp(dialect), testApp(dialect)]);
      for (const ta of [batched, single]) ta.clock.t = new Date(T0 + 3600_000);
    });
    after(async () => Promise.all([batched.close(), single.close()]));

    it('leaves exactly what the same events analysed one at a time leave', async () => {
      for (const ta of [batched, single]) {
        await prepare(ta);
        await ingestEvents(ta.ctx.db.kysely, 'default', validateEvents(mixedEvents()), ta.clock);
      }
      // Every partition in one claim, so both runs take the events in the same (id) order across subjects too.
      await drain(
        new Worker({
          db: batched.ctx.db,
          handlers: jobHandlers(batched.ctx.cfg),
          clock: batched.clock,
          log: silentLog,
          workerId: 'w',
          batch: 256,
          maxPartitions: 64,
        }),
      );
      await drain(
        new Worker({
          db: single.ctx.db,
          handlers: jobHandlers(single.ctx.cfg),
          clock: single.clock,
          log: silentLog,
          workerId: 'w',
          batch: 1,
        }),
      );
      const a = await snapshot(batched.ctx.db.kysely);
      const b = await snapshot(single.ctx.db.kysely);
      for (const table of Object.keys(b))
        assert.deepEqual(a[table], b[table], `${table}: batched and one by one differ`);

      // The run went through the paths that matter (so the comparison above is not of two empty tables).
      const kinds = new Set(a.signals.map((s: { kind: string }) => s.kind));
      for (const k of ['text.term', 'behaviour.invite_spread', 'external.match', 'report.user', 'flag.external'])
        assert.ok(kinds.has(k), `a ${k} signal`);
      assert.equal(
        a.signals.filter((s: { kind: string }) => s.kind === 'behaviour.invite_spread').length,
        1,
        'one invite-spread signal for the hour, however many joins crossed the threshold',
      );
      const logKinds = a.case_log.map((l: { kind: string }) => l.kind);
      for (const k of ['reopened', 'opened', 'item.added', 'verdict', 'signal', 'closed'])
        assert.ok(logKinds.includes(k), `a "${k}" case log entry`);
      const rules = new Set(a.verdicts.map((v: { rule_id: number }) => v.rule_id));
      assert.ok(rules.size >= 5, `verdicts from several rules (${rules.size})`);
      // A later event's verdict raised the item an earlier one of the same batch opened (one open item per queue).
      const g1 = a.case_items.filter(
        (i: { subject_id: string; queue: string; status: string }) =>
          i.subject_id === 'g1' && i.queue === 'groups' && i.status === 'open',
      );
      assert.equal(g1.length, 1);
      assert.ok(a.verdicts.filter((v: { task_id: number }) => v.task_id === g1[0].id).length >= 2);
      const { lost, duplicates, outOfOrder } = await analysisAudit(batched.ctx.db.kysely, 'm-');
      assert.deepEqual({ lost, duplicates, outOfOrder }, { lost: 0, duplicates: 0, outOfOrder: 0 });
    });

    it("fails a poison event alone: the rest of the batch commits, its subject's later events wait, then run", async () => {
      const ta = batched;
      const db = ta.ctx.db.kysely;
      const evs = Array.from({ length: 12 }, (_, i) => ({
        id: `p-${i}`,
        type: i < 4 ? 'account.created' : 'account.updated',
        occurred_at: at(200 + i),
        account: { id: `pu${i % 4}`, username: `poison_user_${i}` },
      }));
      await ingestEvents(db, 'default', validateEvents(evs), ta.clock);
      // The first batch applies the events (and enqueues their analyses, which then meet in one batch).
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'poison',
        batch: 256,
      });
      assert.equal(await w.runOnce(), 12);
      // p-5 (account pu1) was stored by an older version in a shape the analysers cannot read; a job also names an
      // event that is not there. Both are poison: they fail whatever the attempt.
      const poison = await db
        .selectFrom('events')
        .select('id')
        .where('external_id', '=', 'p-5')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('events')
        .set({ payload: JSON.stringify({ id: 'p-5', type: 'account.updated', occurred_at: at(205) }) })
        .where('id', '=', Number(poison.id))
        .execute();
      await ta.ctx.db.kysely.transaction().execute((trx) =>
        enqueue(
          trx,
          [
            {
              kind: 'event.analyze',
              payload: { eventId: 987654321 },
              partition: partitionOf('default', 'account', 'pu2'),
              maxAttempts: 1,
            },
          ],
          ta.clock,
        ),
      );
      await db
        .updateTable('jobs')
        .set({ max_attempts: 1 })
        .where('kind', '=', 'event.analyze')
        .where('status', '=', 'pending')
        .execute();

      const first = await w.runOnce();
      assert.ok(first >= 13, `one batch took every job (${first})`);
      const analysed = async () =>
        (
          await db
            .selectFrom('event_analyses')
            .innerJoin('events', 'events.id', 'event_analyses.event_id')
            .select('events.external_id')
            .where('events.external_id', 'like', 'p-%')
            .orderBy('event_analyses.id')
            .execute()
        ).map((r) => r.external_id);
      // Committed in the first batch: every event except the poison one and the later ones of its partition.
      const after1 = await analysed();
      assert.ok(
        !after1.includes('p-5') && !after1.includes('p-9'),
        `the poison event and its subject's later event wait (${after1})`,
      );
      for (const id of ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-8'])
        assert.ok(after1.includes(id), `${id} committed with the batch`);

      await drain(w);
      const dead = await db
        .selectFrom('jobs')
        .select(['payload', 'last_error'])
        .where('status', '=', 'dead')
        .orderBy('id')
        .execute();
      assert.deepEqual(dead.map((d) => JSON.parse(d.payload).eventId).sort(), [987654321, Number(poison.id)].sort());
      assert.match(
        dead.find((d) => JSON.parse(d.payload).eventId === 987654321)!.last_error!,
        /event 987654321 not found/,
      );
      assert.match(dead.find((d) => JSON.parse(d.payload).eventId === Number(poison.id))!.last_error!, /TypeError/);
      // Once it was parked, its subject's later event ran; every other event was analysed once, in order.
      const all = await analysed();
      assert.deepEqual(
        [...all].sort(),
        evs
          .map((e) => e.id)
          .filter((id) => id !== 'p-5')
          .sort(),
      );
      const { lost, duplicates, outOfOrder } = await analysisAudit(db, 'p-');
      assert.deepEqual({ lost, duplicates, outOfOrder }, { lost: 1, duplicates: 0, outOfOrder: 0 });
    });

    it('is one function a stream consumer can call on its own transaction (effects idempotent by event id)', async () => {
      const ta = single;
      const db = ta.ctx.db.kysely;
      await ingestEvents(
        db,
        'default',
        validateEvents([
          {
            id: 's-0',
            type: 'group.created',
            occurred_at: at(300),
            group: { id: 'sg', name: 't a b o o vids swap', invite_link: 'https://chat.example/j/sg' },
          },
          {
            id: 's-1',
            type: 'group.member_joined',
            occurred_at: at(301),
            group_id: 'sg',
            account_id: 'su',
            invite_link: 'https://chat.example/j/sg',
          },
        ]),
        ta.clock,
      );
      const ids = (
        await db.selectFrom('events').select('id').where('external_id', 'in', ['s-0', 's-1']).orderBy('id').execute()
      ).map((r) => Number(r.id));
      await db.transaction().execute((trx) =>
        applyBatch(
          trx,
          ids.map((eventId) => ({ eventId })),
          [],
          ta.clock,
        ),
      );
      const ctx = { analysers: analysers(ta.ctx.cfg, ta.ctx.bankIndex), clock: ta.clock };
      const run = () =>
        db.transaction().execute((trx) =>
          analyseBatch(
            trx,
            ids.map((eventId) => ({ eventId, worker: 'stream' })),
            ctx,
          ),
        );
      assert.deepEqual(await run(), [{ status: 'done' }, { status: 'done' }]);
      const count = async () => ({
        verdicts: (await db.selectFrom('verdicts').select('id').where('event_id', 'in', ids).execute()).length,
        signals: (await db.selectFrom('signals').select('id').where('event_id', 'in', ids).execute()).length,
        analyses: (await db.selectFrom('event_analyses').select('id').where('event_id', 'in', ids).execute()).length,
      });
      const once = await count();
      assert.ok(once.verdicts >= 2 && once.signals >= 1, JSON.stringify(once));
      assert.equal(once.analyses, 2);
      // Delivered again (a stream redelivery after the commit): nothing changes.
      assert.deepEqual(await run(), [{ status: 'done' }, { status: 'done' }]);
      assert.deepEqual(await count(), once);
    });
  });
}
