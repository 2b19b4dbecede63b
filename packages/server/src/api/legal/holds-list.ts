import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { iso } from '../../util/time.ts';
import { holdJson } from '../../legal/index.ts';

const holdSchema = z.object({
  id: z.number(),
  subject: z.object({ platform: z.string(), type: z.string(), id: z.string() }),
  reason: z.string(),
  task_id: z.number().nullable(),
  placed_at: z.string(),
  until: z.string(),
  active: z.boolean(),
});

/** GET /v1/legal/holds — legal holds, live first (a released or ended hold stays listed with its end). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/holds', {
    config: { access: { roles: ['admin', 'legal', 'auditor'] } },
    schema: {
      tags: ['legal'],
      summary: 'Legal holds on subjects (they keep preserved items past retention)',
      querystring: z.object({
        state: z.enum(['active', 'ended', 'all']).default('active'),
        subject_id: z.string().max(300).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: z.object({ holds: z.array(holdSchema), total: z.number() }), ...authErrors },
    },
    handler: async (req) => {
      const now = iso(ctx.clock.now());
      let q = ctx.db.kysely.selectFrom('legal_holds');
      if (req.query.state === 'active') q = q.where('expires_at', '>', now);
      if (req.query.state === 'ended') q = q.where('expires_at', '<=', now);
      if (req.query.subject_id) q = q.where('subject_id', '=', req.query.subject_id);
      const [rows, count] = await Promise.all([
        q
          .selectAll()
          .orderBy('expires_at', req.query.state === 'ended' ? 'desc' : 'asc')
          .orderBy('id')
          .limit(req.query.limit)
          .offset(req.query.offset)
          .execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { holds: rows.map((r) => holdJson(r, ctx.clock.now())), total: Number(count.n) };
    },
  });
};
export default route;
