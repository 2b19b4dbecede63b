import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { authErrors, errorSchema, userOf, type RelayRoute } from '../http.ts';
import { RelayError } from '../errors.ts';
import {
  derivedSubject,
  SubjectMismatch,
  verifyReport,
  type ReportSubject,
  type ReportVerification,
} from '@vigil/crypto/report';

const iso = (d: Date) => d.toISOString();
const addMs = (d: Date, ms: number) => new Date(d.getTime() + ms);

/**
 * One report per reporter and reported messages: the same messages reported twice by the same person are a
 * duplicate, not a second report (and so not a second voice towards the distinct-reporter threshold).
 */
function reportId(
  reporter: string,
  evidence: { conversation_id?: unknown; messages: Record<string, unknown>[] },
): string {
  const reported = evidence.messages
    .filter((m) => m.context_only !== true)
    .map((m) => String(m.message_id ?? JSON.stringify(m)))
    .sort();
  const h = createHash('sha256')
    .update(JSON.stringify([reporter, String(evidence.conversation_id ?? ''), reported]))
    .digest('hex');
  return `relay-${h.slice(0, 32)}`;
}

/** Encrypted attachment blobs (size-capped, expiring), and user reports sent on to the safety service as events. */
const route: RelayRoute = (app, ctx) => {
  const db = ctx.db;
  const limits = ctx.o.limits;

  // Blob quotas are counted in the database, so they hold across relay processes. Until tomorrow for the
  // daily quota; for the total, until the oldest live blob expires.
  async function checkBlobQuota(owner: string, size: number) {
    const now = ctx.now();
    const refuse = (what: string, retryS: number) => {
      const retry = String(Math.max(1, Math.ceil(retryS)));
      throw new RelayError(
        429,
        'quota_exceeded',
        `${what}; try again in ${retry} s`,
        { retry_after_s: Number(retry) },
        { 'retry-after': retry },
      );
    };
    if (limits.blobBytesPerAccountPerDay) {
      const since = iso(addMs(now, -86_400_000));
      const r = await db
        .selectFrom('messenger_blobs')
        .select((eb) => [eb.fn.sum<number>('size').as('bytes'), eb.fn.min<string>('created_at').as('oldest')])
        .where('owner', '=', owner)
        .where('created_at', '>', since)
        .executeTakeFirst();
      if (Number(r?.bytes ?? 0) + size > limits.blobBytesPerAccountPerDay)
        refuse(
          `attachment quota reached: ${limits.blobBytesPerAccountPerDay} bytes per account per day`,
          r?.oldest ? (Date.parse(r.oldest) + 86_400_000 - now.getTime()) / 1000 : 3600,
        );
    }
    if (limits.blobBytesTotal) {
      const r = await db
        .selectFrom('messenger_blobs')
        .select((eb) => [eb.fn.sum<number>('size').as('bytes'), eb.fn.min<string>('expires_at').as('first_expiry')])
        .where('expires_at', '>', iso(now))
        .executeTakeFirst();
      if (Number(r?.bytes ?? 0) + size > limits.blobBytesTotal)
        refuse(
          'the relay is out of attachment storage',
          r?.first_expiry ? (Date.parse(r.first_expiry) - now.getTime()) / 1000 : 3600,
        );
    }
  }
  app.post('/relay/v1/blobs', {
    config: { relayUsers: true },
    bodyLimit: ctx.o.maxBlobBytes,
    schema: {
      tags: ['relay'],
      summary: 'Store an encrypted attachment (application/octet-stream)',
      response: {
        201: z.object({ id: z.string(), expires_at: z.string() }),
        413: errorSchema,
        415: errorSchema,
        429: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const me = userOf(req);
      if (!Buffer.isBuffer(req.body) || !req.body.length)
        throw new RelayError(415, 'unsupported_media_type', 'send the encrypted blob as application/octet-stream');
      await checkBlobQuota(me.accountId, req.body.length);
      const id = randomBytes(16).toString('hex');
      const expires = iso(addMs(ctx.now(), ctx.o.blobTtlDays * 86_400_000));
      await db
        .insertInto('messenger_blobs')
        .values({
          id,
          owner: me.accountId,
          data: req.body.toString('base64'),
          size: req.body.length,
          created_at: iso(ctx.now()),
          expires_at: expires,
        })
        .execute();
      return reply.status(201).send({ id, expires_at: expires });
    },
  });
  app.get('/relay/v1/blobs/:id', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'Fetch an encrypted attachment',
      params: z.object({ id: z.string() }),
      response: { 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const b = await db
        .selectFrom('messenger_blobs')
        .select(['data', 'expires_at'])
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!b || b.expires_at < iso(ctx.now())) throw new RelayError(404, 'not_found', 'no such blob (or it expired)');
      return reply.type('application/octet-stream').send(Buffer.from(b.data, 'base64') as never);
    },
  });
  app.post('/relay/v1/reports', {
    config: { relayUsers: true },
    bodyLimit: 5 * 1024 * 1024,
    schema: {
      tags: ['relay'],
      summary: 'Report messages (evidence built by the SDK: plaintext, franking openings, tags, source records)',
      description:
        'The subject is derived from the verified evidence: the sender of the reported messages (`account`), or the group whose conversation they are from (`group`). ' +
        '`subject` may be omitted; when given it must agree with the evidence (400 otherwise). Only the recipient of a message can report it. ' +
        'Evidence that does not verify — a reported message whose franking or tag fails, one delivered to someone else, or no reported message at all — is `forged`: ' +
        'counted against the reporter, never reviewed. The same messages reported twice by the same person are one report (`duplicate: true`).',
      body: z
        .object({
          subject: z
            .object({ type: z.enum(['account', 'group']), id: z.string().min(1) })
            .strict()
            .optional(),
          reason: z.string().max(200).optional(),
          comment: z.string().max(5000).optional(),
          evidence: z
            .object({
              version: z.literal(1),
              conversation_id: z.string().max(200).optional(),
              messages: z.array(z.record(z.string(), z.unknown())).min(1).max(50),
            })
            .passthrough(),
        })
        .strict(),
      response: {
        202: z.object({
          report_id: z.string(),
          status: z.enum(['verified', 'forged']),
          subject: z.object({ type: z.string(), id: z.string() }),
          duplicate: z.boolean(),
        }),
        400: errorSchema,
        429: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const me = userOf(req);
      ctx.limiters.perMinute.take(
        `report:${me.accountId}`,
        limits.reportsPerAccountPerMinute,
        'reports from this account',
      );
      const evidence = req.body.evidence;
      const v = verifyReport(evidence, ctx.o.keys, { reporterId: me.accountId });
      let subject: ReportSubject;
      let status: 'verified' | 'forged';
      if (v.status === 'verified') {
        status = 'verified';
        const group = await db
          .selectFrom('messenger_groups')
          .select('id')
          .where('conversation_id', '=', v.conversation_id!)
          .executeTakeFirst();
        try {
          subject = derivedSubject(
            v as ReportVerification & { status: 'verified' },
            req.body.subject,
            group?.id ?? null,
          );
        } catch (e) {
          if (e instanceof SubjectMismatch) throw new RelayError(400, 'subject_mismatch', e.message);
          throw e;
        }
      } else {
        // Reports through the relay come from the SDK, which only builds verifiable evidence: anything else is forged.
        status = 'forged';
        subject = req.body.subject ?? { type: 'account', id: me.accountId };
      }
      const id = reportId(me.accountId, evidence);
      const duplicate = await db.transaction().execute(async (trx) => {
        const fresh = await trx
          .insertInto('messenger_reports')
          .values({
            id,
            reporter: me.accountId,
            subject_type: subject.type,
            subject_id: subject.id,
            status,
            created_at: iso(ctx.now()),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (Number(fresh.numInsertedOrUpdatedRows ?? 0) === 0) return true;
        await ctx.emit(trx, [
          {
            id,
            type: 'report.filed',
            report: {
              id,
              reporter_id: me.accountId,
              subject,
              ...(req.body.reason ? { reason: req.body.reason } : {}),
              ...(req.body.comment ? { comment: req.body.comment } : {}),
              evidence,
            },
          },
        ]);
        return false;
      });
      ctx.outbox.kick();
      return reply.status(202).send({ report_id: id, status, subject, duplicate });
    },
  });
};
export default route;
