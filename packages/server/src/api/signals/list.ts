import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { subjectSignals } from '../../detect/index.ts';

/** GET /v1/signals — a subject's signals, each with the evidence that explains it. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/signals', {
    config: { access: { roles: ['admin', 'lead', 'reviewer', 'legal', 'auditor'], scopes: ['read'] } }, // legal reads the cases its reports came from
    schema: {
      tags: ['review'],
      summary: "A subject's signals",
      querystring: z.object({
        subject_type: z.string(),
        subject_id: z.string(),
        platform: z.string().default('default'),
      }),
      response: {
        200: z.object({
          signals: z.array(
            z.object({
              id: z.number(),
              kind: z.string(),
              severity: z.number(),
              summary: z.string(),
              event_id: z.number().nullable(),
              evidence: z.record(z.string(), z.unknown()),
            }),
          ),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      const platform = req.principal?.kind === 'key' ? req.principal.platform : req.query.platform;
      return { signals: await subjectSignals(ctx.db.kysely, platform, req.query.subject_type, req.query.subject_id) };
    },
  });
};
export default route;
