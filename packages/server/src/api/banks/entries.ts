import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF, OPS, actorOf } from '../../auth/roles.ts';
import { addEntries, bankByName, parsePlainList, removeEntry } from '../../media/banks.ts';

const entry = z.object({
  signal_type: z.enum(['pdq', 'md5', 'sha256']),
  value: z.string(),
  source: z.string().max(200).optional(),
  external_id: z.string().max(200).optional(),
  tags: z.array(z.string().max(100)).max(50).optional(),
  note: z.string().max(2000).optional(),
});

/** Bank entries: add (JSON, or a plain hash list as text/plain), export, remove. */
const route: RouteModule = (app, ctx) => {
  app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 100 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.post('/v1/banks/:name/entries', {
    config: { access: { roles: OPS } },
    bodyLimit: 100 * 1024 * 1024,
    schema: {
      tags: ['banks'],
      summary: 'Add entries (all or nothing)',
      description: 'JSON `{"entries": [...]}`, or `text/plain` with one hash per line and `?signal_type=pdq|md5|sha256`. A bad hash rejects the whole request.',
      params: z.object({ name: z.string() }),
      querystring: z.object({ signal_type: z.enum(['pdq', 'md5', 'sha256']).optional(), source: z.string().optional() }),
      body: z.union([z.object({ entries: z.array(entry).min(1).max(1_000_000) }).strict(), z.string()]),
      response: { 200: z.object({ added: z.number(), duplicates: z.number() }), 400: errorSchema, 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      let entries;
      if (typeof req.body === 'string') {
        if (!req.query.signal_type) return reply.status(400).send({ error: { code: 'invalid_request', message: 'a plain list needs ?signal_type=pdq|md5|sha256' } });
        entries = parsePlainList(req.body, req.query.signal_type).map((e) => ({ ...e, source: req.query.source }));
      } else entries = req.body.entries;
      return addEntries(ctx.db.kysely, req.params.name, entries, actorOf(req.principal), ctx.clock);
    },
  });

  app.get('/v1/banks/:name/entries', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['banks'],
      summary: 'Export entries (JSON, or ?format=plain for one hash per line)',
      params: z.object({ name: z.string() }),
      querystring: z.object({ format: z.enum(['json', 'plain']).default('json'), after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(100_000).default(10_000) }),
      response: { 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const b = await bankByName(ctx.db.kysely, req.params.name);
      const rows = await ctx.db.kysely.selectFrom('bank_entries').selectAll().where('bank_id', '=', b.id).where('id', '>', req.query.after).orderBy('id').limit(req.query.limit).execute();
      if (req.query.format === 'plain') return reply.type('text/plain').send(rows.map((r) => `${r.value}\n`).join('') as never);
      return reply.send({
        bank: b.name,
        entries: rows.map((r) => ({ id: Number(r.id), signal_type: r.signal_type, value: r.value, source: r.source, external_id: r.external_id, tags: r.tags ? r.tags.split(',') : [], note: r.note, confirmed: !!r.confirmed, added_at: r.added_at })),
        next_after: rows.length === req.query.limit ? Number(rows.at(-1)!.id) : null,
      } as never);
    },
  });

  app.delete('/v1/banks/:name/entries/:id', {
    config: { access: { roles: OPS } },
    schema: { tags: ['banks'], summary: 'Remove an entry', params: z.object({ name: z.string(), id: z.coerce.number().int().positive() }), response: { 200: z.object({ removed: z.literal(true) }), 404: errorSchema, ...authErrors } },
    handler: async (req) => {
      await removeEntry(ctx.db.kysely, req.params.name, req.params.id, actorOf(req.principal), ctx.clock);
      return { removed: true as const };
    },
  });
};
export default route;
