import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { tableBytes } from '../../psi/index.ts';

/** GET /v1/psi/tables/{version} — a signed table's bytes; clients verify the signature, so anyone may serve them. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/psi/tables/:version', {
    config: { access: { scopes: ['relay'] } },
    schema: {
      tags: ['private matching'],
      summary: 'A signed private-matching table (binary)',
      params: z.object({ version: z.coerce.number().int().positive() }),
      response: { 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) =>
      reply
        .type('application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(Buffer.from(await tableBytes(ctx.db.kysely, req.params.version)) as never),
  });
};
export default route;
