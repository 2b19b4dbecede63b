import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { updateLeRequest } from '../../legal/index.ts';
import { LEGAL, id } from './schemas.ts';

/** PATCH /v1/legal/le-requests/:id — The law-enforcement request ledger (legal and admin; auditors read). */
const route: RouteModule = (app, ctx) => {
  app.patch('/v1/legal/le-requests/:id', {
    config: { access: { roles: LEGAL } },
    schema: {
      tags: ['legal'],
      summary: 'Update status, agency, case number, contact, outcome, deadline, non-disclosure order, notes',
      params: id,
      body: z
        .object({
          status: z.enum(['open', 'produced', 'rejected', 'withdrawn', 'expired']).optional(),
          agency: z.string().min(2).max(300).optional(),
          case_number: z.string().min(1).max(200).optional(),
          contact: z.string().max(1000).nullable().optional(),
          outcome: z.string().max(5000).nullable().optional(),
          notes: z.string().max(5000).nullable().optional(),
          due_at: z.string().datetime({ offset: true }).nullable().optional(),
          nondisclosure_until: z.string().datetime({ offset: true }).nullable().optional(),
        })
        .strict(),
      response: { 200: z.object({ updated: z.literal(true) }), 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      await updateLeRequest(ctx.db.kysely, req.params.id, req.body, actorOf(req.principal), ctx.clock);
      return { updated: true as const };
    },
  });
};
export default route;
