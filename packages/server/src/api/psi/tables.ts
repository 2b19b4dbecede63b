import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { psiKeys } from '../../psi/keys.ts';
import { buildPsiTable, listTables } from '../../psi/tables.ts';

const tableInfo = z.object({ version: z.number(), mode: z.string(), root: z.string(), threshold: z.number(), slots: z.number(), created_at: z.string() });

/**
 * Private-matching tables. Building one is an admin action (audited); the list of versions and their
 * root hashes is public, so anyone can check that every client was given the same table.
 */
const route: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  app.get('/v1/psi/tables', {
    config: { access: { public: true } },
    schema: { tags: ['private matching'], summary: 'Published table versions and root hashes', response: { 200: z.object({ signing_public_key: z.string(), tables: z.array(tableInfo) }) } },
    handler: async () => ({ signing_public_key: Buffer.from(psiKeys(ctx.cfg).signingPublic).toString('base64'), tables: await listTables(db) }),
  });
  app.post('/v1/psi/tables', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['private matching'], summary: 'Build and sign the next table from the enabled block banks',
      response: { 201: tableInfo.extend({ listed: z.number(), bytes: z.number() }), 400: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => reply.status(201).send(await buildPsiTable(db, ctx.cfg, psiKeys(ctx.cfg), `staff:${staffOf(req.principal).staffId}`, ctx.clock)),
  });
};
export default route;
