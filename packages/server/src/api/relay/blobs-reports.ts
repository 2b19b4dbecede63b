import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { authErrors, errorSchema, relayUserOf, type RouteModule } from '../../http/route.ts';
import { HttpError } from '../../http/errors.ts';
import { addMs, iso } from '../../util/time.ts';
import { ingestEvents, validateEvents } from '../../ingest/ingest.ts';
import { relayLimiters } from '../../relay/rate-limit.ts';
import { derivedSubject, SubjectMismatch, verifyReportEvidence, type ReportSubject } from '../../reports/subject.ts';
import type { ReportVerification } from '@vigil/sdk';

/**
 * One report per reporter and reported messages: the same messages reported twice by the same person are a
 * duplicate, not a second report (and so not a second voice towards the distinct-reporter threshold).
 */
function reportId(reporter: string, evidence: { conversation_id?: unknown; messages: Record<string, unknown>[] }): string {
  const reported = evidence.messages.filter((m) => m.context_only !== true).map((m) => String(m.message_id ?? JSON.stringify(m))).sort();
  const h = createHash('sha256').update(JSON.stringify([reporter, String(evidence.conversation_id ?? ''), reported])).digest('hex');
  return `relay-${h.slice(0, 32)}`;
}

/** Encrypted attachment blobs (size-capped, expiring), and user reports sent on to Vigil's ingest. */
const route: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const limits = ctx.cfg.relay.limits;

  // Blob quotas are counted in the database, so they hold across relay processes. Until tomorrow for the
  // daily quota; for the total, until the oldest live blob expires.
  async function checkBlobQuota(owner: string, size: number) {
    const now = ctx.clock.now();
    const refuse = (what: string, retryS: number) => {
      const retry = String(Math.max(1, Math.ceil(retryS)));
      throw new HttpError(429, 'quota_exceeded', `${what}; try again in ${retry} s`, { retry_after_s: Number(retry) }, { 'retry-after': retry });
    };
    if (limits.blobBytesPerAccountPerDay) {
      const since = iso(addMs(now, -86_400_000));
      const r = await db.selectFrom('relay_blobs').select((eb) => [eb.fn.sum<number>('size').as('bytes'), eb.fn.min<string>('created_at').as('oldest')]).where('owner', '=', owner).where('created_at', '>', since).executeTakeFirst();
      if (Number(r?.bytes ?? 0) + size > limits.blobBytesPerAccountPerDay)
        refuse(`attachment quota reached: ${limits.blobBytesPerAccountPerDay} bytes per account per day`, r?.oldest ? (Date.parse(r.oldest) + 86_400_000 - now.getTime()) / 1000 : 3600);
    }
    if (limits.blobBytesTotal) {
      const r = await db.selectFrom('relay_blobs').select((eb) => [eb.fn.sum<number>('size').as('bytes'), eb.fn.min<string>('expires_at').as('first_expiry')]).where('expires_at', '>', iso(now)).executeTakeFirst();
      if (Number(r?.bytes ?? 0) + size > limits.blobBytesTotal)
        refuse('the relay is out of attachment storage', r?.first_expiry ? (Date.parse(r.first_expiry) - now.getTime()) / 1000 : 3600);
    }
  }
  app.post('/relay/v1/blobs', {
    config: { access: { relayUsers: true } },
    bodyLimit: ctx.cfg.relay.maxBlobBytes,
    schema: { tags: ['relay'], summary: 'Store an encrypted attachment (application/octet-stream)', response: { 201: z.object({ id: z.string(), expires_at: z.string() }), 413: errorSchema, 415: errorSchema, 429: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const me = relayUserOf(req.principal);
      if (!Buffer.isBuffer(req.body) || !req.body.length) throw new HttpError(415, 'unsupported_media_type', 'send the encrypted blob as application/octet-stream');
      await checkBlobQuota(me.accountId, req.body.length);
      const id = randomBytes(16).toString('hex');
      const expires = iso(addMs(ctx.clock.now(), ctx.cfg.relay.blobTtlDays * 86_400_000));
      await db.insertInto('relay_blobs').values({ id, owner: me.accountId, data: req.body.toString('base64'), size: req.body.length, created_at: iso(ctx.clock.now()), expires_at: expires }).execute();
      return reply.status(201).send({ id, expires_at: expires });
    },
  });
  app.get('/relay/v1/blobs/:id', {
    config: { access: { relayUsers: true } },
    schema: { tags: ['relay'], summary: 'Fetch an encrypted attachment', params: z.object({ id: z.string() }), response: { 404: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const b = await db.selectFrom('relay_blobs').select(['data', 'expires_at']).where('id', '=', req.params.id).executeTakeFirst();
      if (!b || b.expires_at < iso(ctx.clock.now())) throw new HttpError(404, 'not_found', 'no such blob (or it expired)');
      return reply.type('application/octet-stream').send(Buffer.from(b.data, 'base64') as never);
    },
  });
  app.post('/relay/v1/reports', {
    config: { access: { relayUsers: true } },
    bodyLimit: 5 * 1024 * 1024,
    schema: {
      tags: ['relay'], summary: 'Report messages (evidence built by the SDK: plaintext, franking openings, tags, source records)',
      description:
        'The subject is derived from the verified evidence: the sender of the reported messages (`account`), or the group whose conversation they are from (`group`). '
        + '`subject` may be omitted; when given it must agree with the evidence (400 otherwise). Only the recipient of a message can report it. '
        + 'Evidence that does not verify — a reported message whose franking or tag fails, one delivered to someone else, or no reported message at all — is `forged`: '
        + 'counted against the reporter, never reviewed. The same messages reported twice by the same person are one report (`duplicate: true`).',
      body: z.object({ subject: z.object({ type: z.enum(['account', 'group']), id: z.string().min(1) }).strict().optional(), reason: z.string().max(200).optional(), comment: z.string().max(5000).optional(), evidence: z.object({ version: z.literal(1), conversation_id: z.string().max(200).optional(), messages: z.array(z.record(z.string(), z.unknown())).min(1).max(50) }).passthrough() }).strict(),
      response: {
        202: z.object({ report_id: z.string(), status: z.enum(['verified', 'forged']), subject: z.object({ type: z.string(), id: z.string() }), duplicate: z.boolean() }),
        400: errorSchema, 429: errorSchema, ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const me = relayUserOf(req.principal);
      relayLimiters(ctx).perMinute.take(`report:${me.accountId}`, limits.reportsPerAccountPerMinute, 'reports from this account');
      const evidence = req.body.evidence;
      const v = verifyReportEvidence(ctx.cfg, me.accountId, evidence);
      let subject: ReportSubject;
      let status: 'verified' | 'forged';
      if (v.status === 'verified') {
        status = 'verified';
        const group = await db.selectFrom('relay_groups').select('id').where('conversation_id', '=', v.conversation_id!).executeTakeFirst();
        try {
          subject = derivedSubject(v as ReportVerification & { status: 'verified' }, req.body.subject, group?.id ?? null);
        } catch (e) {
          if (e instanceof SubjectMismatch) throw new HttpError(400, 'subject_mismatch', e.message);
          throw e;
        }
      } else {
        // Reports through the relay come from the SDK, which only builds verifiable evidence: anything else is forged.
        status = 'forged';
        subject = req.body.subject ?? { type: 'account', id: me.accountId };
      }
      const id = reportId(me.accountId, evidence);
      const r = await ingestEvents(db, ctx.cfg.relay.platform, validateEvents([{ id, type: 'report.filed', occurred_at: ctx.clock.now().toISOString(), report: { id, reporter_id: me.accountId, subject, ...(req.body.reason ? { reason: req.body.reason } : {}), ...(req.body.comment ? { comment: req.body.comment } : {}), evidence } }]), ctx.clock);
      if (r.accepted) ctx.jobsAdded();
      return reply.status(202).send({ report_id: id, status, subject, duplicate: r.accepted === 0 });
    },
  });
};
export default route;
