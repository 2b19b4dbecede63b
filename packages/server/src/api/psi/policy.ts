import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { psiKeys } from '../../psi/index.ts';
import { latestTable } from '../../psi/index.ts';

/**
 * GET /v1/psi/policy — what a platform's clients need for private matching: the operator's scope and mode,
 * the key that signs tables, and the current table (fetch its bytes from GET /v1/psi/tables/{version}).
 */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/psi/policy', {
    config: { access: { scopes: ['relay'] } },
    schema: {
      tags: ['private matching'],
      summary: 'The private-matching policy and current table, for a platform to pass on to its clients',
      response: {
        200: z.object({
          scope: z.enum(['off', 'large_groups', 'everywhere']),
          large_group_members: z.number(),
          mode: z.string(),
          synthetic_probability: z.number(),
          signing_public_key: z.string(),
          table: z
            .object({ version: z.number(), root: z.string(), threshold: z.number(), mode: z.string() })
            .nullable(),
        }),
        ...authErrors,
      },
    },
    handler: async () => {
      const p = ctx.cfg.psi;
      const t = p.scope === 'off' ? null : await latestTable(ctx.db.kysely);
      return {
        scope: p.scope,
        large_group_members: p.largeGroupMembers,
        mode: p.mode,
        synthetic_probability: p.syntheticProbability,
        signing_public_key: Buffer.from(psiKeys(ctx.cfg).signingPublic).toString('base64'),
        table: t ? { version: t.version, root: t.root, threshold: t.threshold, mode: t.mode } : null,
      };
    },
  });
};
export default route;
