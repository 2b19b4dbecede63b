import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { AUDIT_READERS } from '../../auth/roles.ts';
import { verifyAudit } from '../../audit/verify.ts';

/** GET /v1/audit/verify — recompute the hash chain and report tampering. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/audit/verify', {
    config: { access: { roles: AUDIT_READERS } },
    schema: {
      tags: ['audit'],
      summary: 'Verify the audit hash chain',
      response: {
        200: z.object({
          ok: z.boolean(),
          entries: z.number(),
          head_seq: z.number(),
          head_hash: z.string(),
          verified_through: z.number().describe('every entry from 1 to this one is intact and chained'),
          problems: z.array(z.object({ seq: z.number(), problem: z.string(), detail: z.string() })),
        }),
        ...authErrors,
      },
    },
    handler: async () => {
      const v = await verifyAudit(ctx.db.kysely);
      return {
        ok: v.ok,
        entries: v.entries,
        head_seq: v.headSeq,
        head_hash: v.headHash,
        verified_through: v.verifiedThrough,
        problems: v.problems,
      };
    },
  });
};
export default route;
