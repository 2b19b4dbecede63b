import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { createLeRequest, leJson, leRequestInput, LE_KINDS, loadLeRequest, PRODUCIBLE, recordProduction, renewPreservation, updateLeRequest } from '../../legal/le-requests.ts';
import { exportPackage } from '../../legal/vault.ts';
import { vaultKeys } from '../../legal/vault-keys.ts';

const LEGAL = ['admin', 'legal'] as const;
const id = z.object({ id: z.coerce.number().int().positive() });
const LE_STATUSES = ['open', 'produced', 'rejected', 'withdrawn', 'expired'] as const;
/** `overdue` past the deadline, `due_soon` within three days (open requests only). */
const deadlineState = z.enum(['overdue', 'due_soon']).nullable();
/** One request as leJson() answers it. */
const leRequest = z.object({
  id: z.number(),
  kind: z.enum(LE_KINDS),
  agency: z.string(),
  case_number: z.string(),
  contact: z.string().nullable(),
  received_at: z.string(),
  due_at: z.string().nullable(),
  subjects: z.array(z.object({ platform: z.string(), type: z.string(), id: z.string() })),
  status: z.enum(LE_STATUSES),
  outcome: z.string().nullable(),
  productions: z.array(z.object({ at: z.string(), by: z.string(), items: z.array(z.number()), manifest_sha256: z.string(), note: z.string().optional() })),
  preservation_until: z.string().nullable(),
  renewed: z.boolean(),
  notes: z.string().nullable(),
  nondisclosure: z.object({ until: z.string(), active: z.boolean() }).nullable(),
  created_at: z.string(),
  due_state: deadlineState,
  preservation_state: deadlineState,
});

/** The law-enforcement request ledger (legal and admin; auditors read). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/le-requests/producible', {
    config: { access: { roles: [...LEGAL, 'auditor'] } },
    schema: { tags: ['legal'], summary: 'What this service holds and can produce, stated plainly', response: { 200: z.object({ can_produce: z.array(z.string()), cannot_produce: z.array(z.string()) }), ...authErrors } },
    handler: async () => ({ can_produce: [...PRODUCIBLE.can_produce], cannot_produce: [...PRODUCIBLE.cannot_produce] }),
  });
  app.get('/v1/legal/le-requests', {
    config: { access: { roles: [...LEGAL, 'auditor'] } },
    schema: {
      tags: ['legal'], summary: 'Law-enforcement requests, newest first',
      description: '`due_state` and `preservation_state` are `overdue` past the deadline and `due_soon` within three days (open requests only).',
      querystring: z.object({
        status: z.enum(['open', 'produced', 'rejected', 'withdrawn', 'expired']).optional(), q: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(50), offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: z.object({ requests: z.array(leRequest), total: z.number() }), ...authErrors },
    },
    handler: async (req) => {
      let q = ctx.db.kysely.selectFrom('le_requests');
      if (req.query.status) q = q.where('status', '=', req.query.status);
      if (req.query.q) {
        const like = `%${req.query.q}%`; // a % or _ typed in a search only widens it
        q = q.where((eb) => eb.or([eb('agency', 'like', like), eb('case_number', 'like', like), eb('subjects', 'like', like)]));
      }
      const [rows, count] = await Promise.all([
        q.selectAll().orderBy('id', 'desc').limit(req.query.limit).offset(req.query.offset).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { requests: rows.map((r) => leJson(r, ctx.clock.now())), total: Number(count.n) } as never;
    },
  });
  app.get('/v1/legal/le-requests/:id', {
    config: { access: { roles: [...LEGAL, 'auditor'] } },
    schema: { tags: ['legal'], summary: 'One request', params: id, response: { 200: leRequest, 404: errorSchema, ...authErrors } },
    handler: async (req) => leJson(await loadLeRequest(ctx.db.kysely, req.params.id), ctx.clock.now()) as never,
  });
  app.post('/v1/legal/le-requests', {
    config: { access: { roles: LEGAL } },
    schema: { tags: ['legal'], summary: 'Record a request (preservation requests hold the subjects for 90 days)', body: leRequestInput, response: { 201: z.object({ id: z.number() }), 400: errorSchema, ...authErrors } },
    handler: async (req, reply) => reply.status(201).send({ id: await createLeRequest(ctx.db.kysely, req.body, actorOf(req.principal), ctx.clock) }),
  });
  app.patch('/v1/legal/le-requests/:id', {
    config: { access: { roles: LEGAL } },
    schema: {
      tags: ['legal'], summary: 'Update status, agency, case number, contact, outcome, deadline, non-disclosure order, notes', params: id,
      body: z.object({
        status: z.enum(['open', 'produced', 'rejected', 'withdrawn', 'expired']).optional(), agency: z.string().min(2).max(300).optional(), case_number: z.string().min(1).max(200).optional(),
        contact: z.string().max(1000).nullable().optional(), outcome: z.string().max(5000).nullable().optional(), notes: z.string().max(5000).nullable().optional(),
        due_at: z.string().datetime({ offset: true }).nullable().optional(), nondisclosure_until: z.string().datetime({ offset: true }).nullable().optional(),
      }).strict(),
      response: { 200: z.object({ updated: z.literal(true) }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await updateLeRequest(ctx.db.kysely, req.params.id, req.body, actorOf(req.principal), ctx.clock);
      return { updated: true as const };
    },
  });
  app.post('/v1/legal/le-requests/:id/renew', {
    config: { access: { roles: LEGAL } },
    schema: { tags: ['legal'], summary: 'Renew a preservation request once (another 90 days)', params: id, response: { 200: z.object({ renewed: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors } },
    handler: async (req) => {
      await renewPreservation(ctx.db.kysely, req.params.id, actorOf(req.principal), ctx.clock);
      return { renewed: true as const };
    },
  });
  app.post('/v1/legal/le-requests/:id/production', {
    config: { access: { roles: LEGAL } },
    schema: { tags: ['legal'], summary: 'Produce preserved items for this request: the sealed ZIP, recorded in the ledger', params: id, body: z.object({ item_ids: z.array(z.number().int().positive()).min(1).max(1000), note: z.string().max(2000).optional() }).strict(), response: { 404: errorSchema, 410: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const r = await loadLeRequest(ctx.db.kysely, req.params.id);
      const purpose = `${r.kind} ${r.case_number} (${r.agency})`;
      const { zip, manifestSha256 } = await exportPackage(ctx.db.kysely, req.body.item_ids, vaultKeys(ctx.cfg), actorOf(req.principal), purpose, ctx.clock);
      await recordProduction(ctx.db.kysely, req.params.id, { items: req.body.item_ids, manifest_sha256: manifestSha256, ...(req.body.note ? { note: req.body.note } : {}) }, actorOf(req.principal), ctx.clock);
      return reply.header('content-disposition', `attachment; filename="le-request-${req.params.id}.zip"`).type('application/zip').send(Buffer.from(zip) as never);
    },
  });
};
export default route;
