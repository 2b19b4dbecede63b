import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { readItem } from '../../legal/index.ts';
import { vaultKeys } from '../../legal/index.ts';
import { LEGAL } from './schemas.ts';

/** GET /v1/legal/vault/:id/content — The preservation vault (legal and admin only): list, read (audited, with a purpose), destroy, export, rewrap. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/vault/:id/content', {
    config: { access: { roles: LEGAL } },
    schema: {
      tags: ['legal'],
      summary: 'Decrypt one item (audited with its purpose)',
      params: z.object({ id: z.coerce.number().int().positive() }),
      querystring: z.object({ purpose: z.string().min(3).max(500) }),
      response: { 404: errorSchema, 410: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const { row, bytes } = await readItem(
        ctx.db.kysely,
        req.params.id,
        vaultKeys(ctx.cfg),
        actorOf(req.principal),
        req.query.purpose,
        ctx.clock,
      );
      return reply
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .type(row.mime)
        .send(Buffer.from(bytes) as never);
    },
  });
};
export default route;
