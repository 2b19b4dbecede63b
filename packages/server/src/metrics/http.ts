// HTTP request durations by route template (not raw URL, which would explode the label set).
import type { FastifyInstance } from 'fastify';
import { metrics } from './metrics.ts';

export function registerHttpMetrics(app: FastifyInstance<any, any, any, any, any>): void {
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
