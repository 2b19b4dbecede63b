import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { destroyItem, exportPackage, readItem, rewrap } from '../../legal/vault.ts';
import { vaultKeys } from '../../legal/vault-keys.ts';

const LEGAL = ['admin', 'legal'] as const;
const item = z.object({ id: z.number(), subject: z.object({ platform: z.string(), type: z.string(), id: z.string() }), report_id: z.number().nullable(), kind: z.string(), label: z.string(), mime: z.string(), size: z.number(), sha256: z.string(), key_id: z.string(), created_at: z.string(), expires_at: z.string(), destroyed_at: z.string().nullable(), destroyed_reason: z.string().nullable() });

/** The preservation vault (legal and admin only): list, read (audited, with a purpose), destroy, export, rewrap. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/vault', {
    config: { access: { roles: [...LEGAL, 'auditor'] } },
    schema: { tags: ['legal'], summary: 'Preserved items (metadata only)', querystring: z.object({ subject_type: z.string().optional(), subject_id: z.string().optional(), report_id: z.coerce.number().int().optional() }), response: { 200: z.object({ items: z.array(item) }), ...authErrors } },
    handler: async (req) => {
      let q = ctx.db.kysely.selectFrom('vault_items').select(['id', 'platform', 'subject_type', 'subject_id', 'report_id', 'kind', 'label', 'mime', 'size', 'sha256', 'key_id', 'created_at', 'expires_at', 'destroyed_at', 'destroyed_reason']).orderBy('id').limit(1000);
      if (req.query.subject_type) q = q.where('subject_type', '=', req.query.subject_type);
      if (req.query.subject_id) q = q.where('subject_id', '=', req.query.subject_id);
      if (req.query.report_id) q = q.where('report_id', '=', req.query.report_id);
      return { items: (await q.execute()).map((r) => ({ ...r, id: Number(r.id), size: Number(r.size), report_id: r.report_id === null ? null : Number(r.report_id), subject: { platform: r.platform, type: r.subject_type, id: r.subject_id } })) };
    },
  });
  app.get('/v1/legal/vault/:id/content', {
    config: { access: { roles: LEGAL } },
    schema: { tags: ['legal'], summary: 'Decrypt one item (audited with its purpose)', params: z.object({ id: z.coerce.number().int().positive() }), querystring: z.object({ purpose: z.string().min(3).max(500) }), response: { 404: errorSchema, 410: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const { row, bytes } = await readItem(ctx.db.kysely, req.params.id, vaultKeys(ctx.cfg), actorOf(req.principal), req.query.purpose, ctx.clock);
      return reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').type(row.mime).send(Buffer.from(bytes) as never);
    },
  });
  app.post('/v1/legal/vault/:id/destroy', {
    config: { access: { roles: LEGAL } },
    schema: { tags: ['legal'], summary: 'Destroy an item now (e.g. on a law-enforcement request); the record of it stays', params: z.object({ id: z.coerce.number().int().positive() }), body: z.object({ reason: z.string().min(3).max(2000) }).strict(), response: { 200: z.object({ destroyed: z.literal(true) }), 404: errorSchema, 409: errorSchema, ...authErrors } },
    handler: async (req) => {
      await destroyItem(ctx.db.kysely, req.params.id, req.body.reason, actorOf(req.principal), ctx.clock);
      return { destroyed: true as const };
    },
  });
  app.post('/v1/legal/vault/export', {
    config: { access: { roles: LEGAL } },
    schema: { tags: ['legal'], summary: 'A sealed ZIP for law enforcement: files, manifest.json with SHA-256s, manifest.hmac', body: z.object({ item_ids: z.array(z.number().int().positive()).min(1).max(1000), purpose: z.string().min(3).max(500) }).strict(), response: { 404: errorSchema, 410: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const { zip } = await exportPackage(ctx.db.kysely, req.body.item_ids, vaultKeys(ctx.cfg), actorOf(req.principal), req.body.purpose, ctx.clock);
      return reply.header('content-disposition', `attachment; filename="vigil-export-${Date.now()}.zip"`).type('application/zip').send(Buffer.from(zip) as never);
    },
  });
  app.post('/v1/legal/vault/rewrap', {
    config: { access: { roles: ['admin'] } },
    schema: { tags: ['legal'], summary: 'Re-encrypt every item under the active key (after adding a new key)', response: { 200: z.object({ rewrapped: z.number() }), ...authErrors } },
    handler: async (req) => ({ rewrapped: await rewrap(ctx.db.kysely, vaultKeys(ctx.cfg), actorOf(req.principal), ctx.clock) }),
  });
};
export default route;
