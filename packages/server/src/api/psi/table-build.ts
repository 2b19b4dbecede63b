import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { psiKeys } from '../../psi/index.ts';
import { buildPsiTable } from '../../psi/index.ts';
import { tableInfo } from './schemas.ts';

/**
 * POST /v1/psi/tables.
 * Private-matching tables. Building one is an admin action (audited); the list of versions and their
 * root hashes is public, so anyone can check that every client was given the same table.
 */
const route: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  app.post('/v1/psi/tables', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['private matching'],
      summary: 'Build and sign the next table from the enabled block banks',
      response: { 201: tableInfo.extend({ listed: z.number(), bytes: z.number() }), 400: errorSchema, ...authErrors },
    },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await buildPsiTable(db, ctx.cfg, psiKeys(ctx.cfg), `staff:${staffOf(req.principal).staffId}`, ctx.clock)),
  });
};
export default route;
