import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { loadLeRequest, recordProduction } from '../../legal/index.ts';
import { exportPackage } from '../../legal/index.ts';
import { vaultKeys } from '../../legal/index.ts';
import { LEGAL, id } from './schemas.ts';

/** POST /v1/legal/le-requests/:id/production — The law-enforcement request ledger (legal and admin; auditors read). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/legal/le-requests/:id/production', {
    config: { access: { roles: LEGAL } },
    schema: {
      tags: ['legal'],
      summary: 'Produce preserved items for this request: the sealed ZIP, recorded in the ledger',
      params: id,
      body: z
        .object({
          item_ids: z.array(z.number().int().positive()).min(1).max(1000),
          note: z.string().max(2000).optional(),
        })
        .strict(),
      response: { 404: errorSchema, 410: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const r = await loadLeRequest(ctx.db.kysely, req.params.id);
      const purpose = `${r.kind} ${r.case_number} (${r.agency})`;
      const { zip, manifestSha256 } = await exportPackage(
        ctx.db.kysely,
        req.body.item_ids,
        vaultKeys(ctx.cfg),
        actorOf(req.principal),
        purpose,
        ctx.clock,
      );
      await recordProduction(
        ctx.db.kysely,
        req.params.id,
        {
          items: req.body.item_ids,
          manifest_sha256: manifestSha256,
          ...(req.body.note ? { note: req.body.note } : {}),
        },
        actorOf(req.principal),
        ctx.clock,
      );
      return reply
        .header('content-disposition', `attachment; filename="le-request-${req.params.id}.zip"`)
        .type('application/zip')
        .send(Buffer.from(zip) as never);
    },
  });
};
export default route;
