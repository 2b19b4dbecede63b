// HTTP request durations by route template (not raw URL, which would explode the label set).
import type { FastifyInstance } from 'fastify';
import { metrics } from './metrics.ts';

// Any instance (its generics differ by type provider and logger; the hook uses none of them).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registerHttpMetrics(app: FastifyInstance<any, any, any, any, any>): void {
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
