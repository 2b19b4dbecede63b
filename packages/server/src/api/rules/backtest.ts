import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS } from '../../auth/roles.ts';
import { backtestRule } from '../../detect/index.ts';
import { isVigilError, VigilError } from '../../errors.ts';

/** POST /v1/rules/backtest — what a candidate rule would have done on stored events (changes nothing). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/rules/backtest', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['rules'],
      summary: 'Backtest a rule on stored events',
      body: z
        .object({
          expression: z.string(),
          outcome: z.unknown(),
          since: z.string().datetime({ offset: true }),
          until: z.string().datetime({ offset: true }).optional(),
        })
        .strict(),
      response: {
        200: z.object({
          events: z.number(),
          matched_events: z.number(),
          subjects: z.array(
            z.object({
              type: z.string(),
              id: z.string(),
              platform: z.string(),
              first_event_id: z.number(),
              matches: z.number(),
            }),
          ),
          errors: z.array(z.object({ event_id: z.number(), error: z.string() })),
        }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      let r;
      try {
        r = await backtestRule(ctx.db.kysely, req.body, {
          since: new Date(req.body.since),
          until: req.body.until ? new Date(req.body.until) : undefined,
        });
      } catch (e) {
        if (isVigilError(e, 'invalid_rule')) throw e;
        const err = e as Error;
        if (err.name === 'ZodError' || /expression|outcome/i.test(err.message))
          throw new VigilError('invalid_rule', err.message, { line: undefined, column: undefined });
        throw e;
      }
      return {
        events: r.events,
        matched_events: r.matchedEvents,
        subjects: r.subjects.map((s) => ({
          type: s.type,
          id: s.id,
          platform: s.platform,
          first_event_id: s.firstEventId,
          matches: s.matches,
        })),
        errors: r.errors.slice(0, 100).map((e) => ({ event_id: e.eventId, error: e.error })),
      };
    },
  });
};
export default route;
