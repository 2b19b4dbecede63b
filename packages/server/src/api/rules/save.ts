import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { saveRule } from '../../detect/index.ts';

/** PUT /v1/rules/:name — create a rule or save a new version of it (validated, audited). */
const route: RouteModule = (app, ctx) => {
  app.put('/v1/rules/:name', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['rules'],
      summary: 'Create or update a rule (each save is a new version)',
      description:
        'The expression is CEL over `event`, `subject` and `signals` (a list; each has `kind`, `severity`, `summary` and its evidence fields). Syntax errors come back with line and column.',
      params: z.object({ name: z.string() }),
      body: z
        .object({
          description: z.string().optional(),
          expression: z.string(),
          outcome: z.unknown(),
          mode: z.enum(['active', 'shadow']).optional(),
          enabled: z.boolean().optional(),
        })
        .strict(),
      response: {
        200: z.object({ id: z.number(), name: z.string(), version: z.number() }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      return saveRule(
        ctx.db.kysely,
        { ...req.body, name: req.params.name, outcome: req.body.outcome as never },
        actorOf(req.principal),
        ctx.clock,
      );
    },
  });
};
export default route;
