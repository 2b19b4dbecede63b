import { z } from 'zod';
import { type RouteModule } from '../../http/route.ts';
import { psiKeys } from '../../psi/index.ts';
import { listTables } from '../../psi/index.ts';
import { tableInfo } from './schemas.ts';

/**
 * GET /v1/psi/tables.
 * Private-matching tables. Building one is an admin action (audited); the list of versions and their
 * root hashes is public, so anyone can check that every client was given the same table.
 */
const route: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  app.get('/v1/psi/tables', {
    config: { access: { public: true } },
    schema: {
      tags: ['private matching'],
      summary: 'Published table versions and root hashes',
      response: { 200: z.object({ signing_public_key: z.string(), tables: z.array(tableInfo) }) },
    },
    handler: async () => ({
      signing_public_key: Buffer.from(psiKeys(ctx.cfg).signingPublic).toString('base64'),
      tables: await listTables(db),
    }),
  });
};
export default route;
