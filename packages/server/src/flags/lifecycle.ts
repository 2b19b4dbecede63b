// What happens to flags after intake: overdue flags escalate; flags about subjects Vigil had not seen are
// matched when those subjects appear. Claims and decisions reach them through decision-effects.ts.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import { appendAudit } from '../audit/log.ts';
import { iso, type Clock } from '../util/time.ts';
import type { Analyser } from '../detect/index.ts';
import { caseKey, flagSignal, upsertCase } from './intake.ts';
import { closeSubjectWork, raiseIfOpen } from '../review/index.ts';
import { waitingFlagKeys } from '../detect/index.ts';

/** Raises overdue flags' cases to the top and marks them escalated; returns how many. */
export async function escalateOverdue(db: Kysely<Database>, clock: Clock): Promise<number> {
  const now = iso(clock.now());
  const overdue = await db
    .selectFrom('flags')
    .select(['id', 'reference', 'task_id', 'category'])
    .where('closed_at', 'is', null)
    .where('escalated_at', 'is', null)
    .where('deadline_at', '<', now)
    .limit(500)
    .execute();
  for (const f of overdue) {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('flags')
        .set({ escalated_at: now, updated_at: now })
        .where('id', '=', Number(f.id))
        .execute();
      if (f.task_id) await raiseIfOpen(trx, Number(f.task_id), 99, clock);
      await appendAudit(
        trx,
        {
          actor: 'system',
          action: 'flag.escalate',
          subjectType: 'flag',
          subjectId: f.reference,
          reason: `deadline passed (${f.category})`,
        },
        clock,
      );
    });
  }
  return overdue.length;
}

/** The escalation daemon: a plain loop. */
export function startEscalationLoop(db: Db, clock: Clock, log: Logger, everyMs = 60_000): () => Promise<void> {
  let stopped = false;
  let wake = () => {};
  const loop = (async () => {
    while (!stopped) {
      await escalateOverdue(db.kysely, clock).catch((err) => log.error({ err }, 'flag escalation failed'));
      await new Promise<void>((r) => {
        const t = setTimeout(r, everyMs);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  })();
  return async () => {
    stopped = true;
    wake();
    await loop;
  };
}

/** When an account or group appears whose handle, invite link or name was flagged earlier, link the flags. */
export const flagMatchAnalyser: Analyser = async ({ trx, platform, event, clock, batch }) => {
  let probes = flagProbes(event);
  if (batch && probes.length) {
    // Batched analysis: one read for the batch's keys; the earlier events' effects are written before flags move.
    const waiting = await batch.once('flags', () =>
      waitingFlagKeys(
        trx,
        batch.inputs.flatMap((i) => flagProbes(i.event).map((p) => ({ platform: i.platform, key: p.key }))),
      ),
    );
    probes = probes.filter((p) => waiting.has(`${platform}\u0000${p.key}`));
    if (probes.length) await batch.settle();
  }
  for (const p of probes) {
    const waiting = await trx
      .selectFrom('flags')
      .selectAll()
      .where('platform', '=', platform)
      .where('case_key', '=', p.key)
      .where('resolved_id', 'is', null)
      .where('closed_at', 'is', null)
      .execute();
    if (!waiting.length) continue;
    await trx
      .updateTable('flags')
      .set({ resolved_type: p.subject.type, resolved_id: p.subject.id, updated_at: iso(clock.now()) })
      .where('platform', '=', platform)
      .where('case_key', '=', p.key)
      .where('resolved_id', 'is', null)
      .execute();
    // The placeholder case for the unknown subject closes; the flags move to the real subject's case.
    await closeSubjectWork(
      trx,
      { platform, type: 'flagged', id: p.key },
      clock,
      `flags moved to ${p.subject.type} ${p.subject.id}`,
    );
    for (const f of waiting)
      await flagSignal(
        trx,
        platform,
        p.subject,
        f.reference,
        {
          category: f.category as never,
          subject: { kind: f.subject_kind as never, value: f.subject_value },
          found_at_url: f.found_at_url ?? undefined,
        },
        { source: f.source, orgId: f.org_id == null ? null : Number(f.org_id) },
        clock,
      );
    await upsertCase(trx, platform, p.key, p.subject, clock);
  }
  return []; // its signals are written directly (they belong to flags, not to this event)
};

function flagProbes(event: Parameters<Analyser>[0]['event']): { key: string; subject: { type: string; id: string } }[] {
  const probes: { key: string; subject: { type: string; id: string } }[] = [];
  if ((event.type === 'account.created' || event.type === 'account.updated') && event.account.username)
    probes.push({ key: caseKey('handle', event.account.username), subject: { type: 'account', id: event.account.id } });
  if (event.type === 'group.created' || event.type === 'group.updated') {
    if (event.group.invite_link)
      probes.push({
        key: caseKey('invite_link', event.group.invite_link),
        subject: { type: 'group', id: event.group.id },
      });
    if (event.group.name)
      probes.push({ key: caseKey('group_name', event.group.name), subject: { type: 'group', id: event.group.id } });
  }
  if (event.type === 'invite.created')
    probes.push({
      key: caseKey('invite_link', event.invite.link),
      subject: { type: 'group', id: event.invite.group_id },
    });
  return probes;
}
