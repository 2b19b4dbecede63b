import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { exportPackage } from '../../legal/index.ts';
import { vaultKeys } from '../../legal/index.ts';
import { LEGAL } from './schemas.ts';

/** POST /v1/legal/vault/export — The preservation vault (legal and admin only): list, read (audited, with a purpose), destroy, export, rewrap. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/vault/export', {
    config: { access: { roles: LEGAL } },
    schema: {
      tags: ['legal'],
      summary: 'A sealed ZIP for law enforcement: files, manifest.json with SHA-256s, manifest.hmac',
      body: z
        .object({
          item_ids: z.array(z.number().int().positive()).min(1).max(1000),
          purpose: z.string().min(3).max(500),
        })
        .strict(),
      response: { 404: errorSchema, 410: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const { zip } = await exportPackage(
        ctx.db.kysely,
        req.body.item_ids,
        vaultKeys(ctx.cfg),
        actorOf(req.principal),
        req.body.purpose,
        ctx.clock,
      );
      return reply
        .header('content-disposition', `attachment; filename="vigil-export-${Date.now()}.zip"`)
        .type('application/zip')
        .send(Buffer.from(zip) as never);
    },
  });
};
export default route;
