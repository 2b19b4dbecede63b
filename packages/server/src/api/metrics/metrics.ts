import type { RouteModule } from '../../http/route.ts';
import { METRICS_CONTENT_TYPE, metricsAllowed, scrape } from '../../metrics/metrics.ts';

/** GET /metrics — Prometheus text format; who may read it is `metrics.access` (off, loopback, bearer token). */
const route: RouteModule = (app, ctx) => {
  app.get('/metrics', {
    // Not an API-key or staff route: metrics.access decides, in the handler.
    config: { access: { public: true } },
    schema: { hide: true },
    handler: async (req, reply) => {
      const verdict = metricsAllowed(ctx.cfg.metrics, req.socket.remoteAddress, req.headers.authorization);
      if (verdict === 'off')
        return reply
          .status(404)
          .send({ error: { code: 'not_found', message: 'metrics are turned off (metrics.access)' } });
      if (verdict === 'forbidden')
        return reply
          .status(403)
          .send({ error: { code: 'forbidden', message: 'metrics are not readable from here (metrics.access)' } });
      return reply.header('content-type', METRICS_CONTENT_TYPE).send(await scrape(ctx.db));
    },
  });
};
export default route;
