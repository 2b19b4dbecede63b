import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { eventBatch, EVENT_TYPES } from '../../ingest/index.ts';
import { ingestEvents, validateEvents } from '../../ingest/index.ts';
import { checkReportSubjects } from '../../reports/index.ts';
import { metrics } from '../../metrics/metrics.ts';
import { isVigilError } from '../../errors.ts';

/** POST /v1/events — a batch of platform events; replays (same id) are accepted and ignored. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/events', {
    config: { access: { scopes: ['ingest'] } },
    bodyLimit: ctx.cfg.bodyLimitBytes,
    schema: {
      tags: ['ingest'],
      summary: 'Ingest a batch of platform events',
      description: `Event types: ${EVENT_TYPES.join(', ')}. Each event carries the platform's idempotency id in \`id\`. A batch is validated whole: one bad event rejects the batch with every problem listed, and nothing is stored.`,
      security: [{ apiKey: [] }],
      body: eventBatch,
      response: {
        200: z.object({
          accepted: z.number(),
          duplicates: z.number(),
          results: z.array(z.object({ id: z.string(), status: z.enum(['accepted', 'duplicate']) })),
        }),
        400: errorSchema,
        413: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const p = req.principal;
      if (p?.kind !== 'key') throw new Error('unreachable: ingest needs an API key');
      let events;
      try {
        events = validateEvents(req.body.events);
        checkReportSubjects(ctx.cfg, events);
      } catch (e) {
        if (isVigilError(e, 'invalid_events')) countRefused(req.body.events);
        throw e;
      }
      const result = await ingestEvents(ctx.db.kysely, p.platform, events, ctx.clock, p.keyId);
      result.results.forEach((r, i) =>
        (r.status === 'accepted' ? metrics.eventsAccepted : metrics.eventsDuplicate).inc({ type: events[i]!.type }),
      );
      if (result.accepted) ctx.jobsAdded();
      return result;
    },
  });
};

/** A refused batch refuses every event in it; counted by the type each one claims. */
function countRefused(raw: unknown[]) {
  for (const r of raw) {
    const t = (r as { type?: unknown })?.type;
    metrics.eventsRefused.inc({
      type: typeof t === 'string' && (EVENT_TYPES as readonly string[]).includes(t) ? t : 'unknown',
    });
  }
}
export default route;
