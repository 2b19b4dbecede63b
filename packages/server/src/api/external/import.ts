import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { importExternalSignals } from '../../detect/index.ts';

const entry = z
  .object({
    kind: z.enum(['handle', 'invite_url', 'md5', 'sha256', 'pdq']),
    value: z.string().min(1).max(2048),
    category: z.string().max(100).optional(),
    note: z.string().max(1000).optional(),
  })
  .strict();

/** POST /v1/external-signals — import a list of handles, invite URLs or hashes seen elsewhere. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/external-signals', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['detection'],
      summary: 'Import an external signal list',
      description:
        'Entries match later (and earlier-seen subjects on their next event); a match raises a signal for review, never an automatic action.',
      body: z
        .object({
          source: z.string().min(1).max(200),
          expires_at: z.string().datetime({ offset: true }).optional(),
          entries: z.array(entry).min(1).max(100_000),
        })
        .strict(),
      response: {
        200: z.object({ imported: z.number(), already_present: z.number() }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      return importExternalSignals(ctx.db.kysely, req.body, actorOf(req.principal), ctx.clock);
    },
  });
};
export default route;
