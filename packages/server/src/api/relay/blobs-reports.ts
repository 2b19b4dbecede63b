import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { authErrors, errorSchema, relayUserOf, type RouteModule } from '../../http/route.ts';
import { HttpError } from '../../http/errors.ts';
import { addMs, iso } from '../../util/time.ts';
import { ingestEvents, validateEvents } from '../../ingest/ingest.ts';

/** Encrypted attachment blobs (size-capped, expiring), and user reports sent on to Vigil's ingest. */
const route: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  app.post('/relay/v1/blobs', {
    config: { access: { relayUsers: true } },
    bodyLimit: ctx.cfg.relay.maxBlobBytes,
    schema: { tags: ['relay'], summary: 'Store an encrypted attachment (application/octet-stream)', response: { 201: z.object({ id: z.string(), expires_at: z.string() }), 413: errorSchema, 415: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const me = relayUserOf(req.principal);
      if (!Buffer.isBuffer(req.body) || !req.body.length) throw new HttpError(415, 'unsupported_media_type', 'send the encrypted blob as application/octet-stream');
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
      body: z.object({ subject: z.object({ type: z.enum(['account', 'group']), id: z.string().min(1) }).strict(), reason: z.string().max(200).optional(), comment: z.string().max(5000).optional(), evidence: z.object({ version: z.literal(1), messages: z.array(z.record(z.string(), z.unknown())).min(1).max(50) }) }).strict(),
      response: { 202: z.object({ report_id: z.string() }), 400: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const me = relayUserOf(req.principal);
      const id = `relay-${randomBytes(8).toString('hex')}`;
      await ingestEvents(db, ctx.cfg.relay.platform, validateEvents([{ id, type: 'report.filed', occurred_at: ctx.clock.now().toISOString(), report: { id, reporter_id: me.accountId, subject: req.body.subject, ...(req.body.reason ? { reason: req.body.reason } : {}), ...(req.body.comment ? { comment: req.body.comment } : {}), evidence: req.body.evidence } }]), ctx.clock);
      ctx.jobsAdded();
      return reply.status(202).send({ report_id: id });
    },
  });
};
export default route;
