import { z } from 'zod';
import type { RouteModule } from '../../http/route.ts';

/** Liveness: the process is up. */
const route: RouteModule = (app) => {
  app.get('/healthz', {
    config: { access: { public: true } },
    schema: { tags: ['health'], summary: 'Liveness probe', response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  });
};
export default route;
