import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { SEVERITIES } from '../../review/index.ts';
import { listCases } from '../../review/index.ts';
import { caseSummary, CASE_READERS } from './schemas.ts';

const caseFilters = z.object({
  status: z.enum(['open', 'closed', 'all']).default('open'),
  queue: z.string().max(100).optional(),
  severity: z.enum(SEVERITIES).optional(),
  subject_type: z.string().max(100).optional(),
  assignee: z
    .union([z.enum(['me', 'none']), z.string().regex(/^\d+$/, 'assignee is me, none or a staff id')])
    .optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

/** GET /v1/cases — one row per case, highest priority first; `total` counts every match. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/cases', {
    config: { access: { roles: CASE_READERS } },
    schema: {
      tags: ['review'],
      summary: 'Cases (one open case per subject), filtered, searched and paged',
      description:
        '`q` searches subject ids, usernames, display names, group names and case ids (`123` or `#123`). Page with `next_cursor`; `total` counts every case that matches the filters.',
      querystring: caseFilters,
      response: {
        200: z.object({ cases: z.array(caseSummary), total: z.number(), next_cursor: z.string().nullable() }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => listCases(ctx.db.kysely, req.query, staffOf(req.principal).staffId, ctx.clock),
  });
};
export default route;
