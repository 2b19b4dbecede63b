import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { leJson } from '../../legal/index.ts';
import { LEGAL, leRequest } from './schemas.ts';

/** GET /v1/legal/le-requests — The law-enforcement request ledger (legal and admin; auditors read). */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/le-requests', {
    config: { access: { roles: [...LEGAL, 'auditor'] } },
    schema: {
      tags: ['legal'],
      summary: 'Law-enforcement requests, newest first',
      description:
        '`due_state` and `preservation_state` are `overdue` past the deadline and `due_soon` within three days (open requests only).',
      querystring: z.object({
        status: z.enum(['open', 'produced', 'rejected', 'withdrawn', 'expired']).optional(),
        q: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: z.object({ requests: z.array(leRequest), total: z.number() }), ...authErrors },
    },
    handler: async (req) => {
      let q = ctx.db.kysely.selectFrom('le_requests');
      if (req.query.status) q = q.where('status', '=', req.query.status);
      if (req.query.q) {
        const like = `%${req.query.q}%`; // a % or _ typed in a search only widens it
        q = q.where((eb) =>
          eb.or([eb('agency', 'like', like), eb('case_number', 'like', like), eb('subjects', 'like', like)]),
        );
      }
      const [rows, count] = await Promise.all([
        q.selectAll().orderBy('id', 'desc').limit(req.query.limit).offset(req.query.offset).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { requests: rows.map((r) => leJson(r, ctx.clock.now())), total: Number(count.n) } as never;
    },
  });
};
export default route;
