import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { sendReport } from '../../legal/index.ts';

/** POST /v1/legal/reports/:id/send — file the confirmed version with NCMEC. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/reports/:id/send', {
    config: { access: { roles: ['admin', 'legal'] } },
    schema: {
      tags: ['legal'],
      summary:
        'Send to NCMEC (the version confirmed, validated against the XSD, then filed by a job that survives crashes)',
      description:
        '`draft_sha256` is the version the sender reviewed (from `GET /v1/legal/reports/:id`); a draft changed since is refused with 409 ' +
        '`draft_changed`, one that does not validate with 400 `invalid_report` (details at the fields).',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: z
        .object({ draft_sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the draft_sha256 of the version you reviewed') })
        .strict(),
      response: {
        202: z.object({ queued: z.literal(true) }),
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      await sendReport(ctx.db.kysely, req.params.id, req.body.draft_sha256, actorOf(req.principal), ctx.clock);
      ctx.jobsAdded();
      return reply.status(202).send({ queued: true as const });
    },
  });
};
export default route;
