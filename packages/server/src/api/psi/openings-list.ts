import { z } from 'zod';
import { authErrors, type RouteModule } from '../../http/route.ts';
import { REVIEW } from './schemas.ts';

/**
 * GET /v1/psi/openings.
 * Attachments opened by private matching (an account crossed the threshold). A reviewer lists them
 * and views one: the sealed payload is read from the vault (audited), the encrypted blob is fetched
 * from what the platform handed over and decrypted, and its hash re-checked. Nothing else of the account's media
 * can be opened: only vouchers that matched carried a readable key.
 */
const route: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  app.get('/v1/psi/openings', {
    config: { access: { roles: [...REVIEW] } },
    schema: {
      tags: ['private matching'],
      summary: "An account's opened attachments",
      querystring: z.object({ platform: z.string().default('default'), account_id: z.string().min(1) }),
      response: {
        200: z.object({
          openings: z.array(
            z.object({
              id: z.number(),
              voucher_id: z.string(),
              conversation_id: z.string().nullable(),
              blob_id: z.string(),
              sha256: z.string(),
              opened_at: z.string(),
            }),
          ),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      const rows = await db
        .selectFrom('psi_openings')
        .selectAll()
        .where('platform', '=', req.query.platform)
        .where('account_id', '=', req.query.account_id)
        .orderBy('id')
        .execute();
      return {
        openings: rows.map((r) => ({
          id: Number(r.id),
          voucher_id: r.voucher_id,
          conversation_id: r.conversation_id,
          blob_id: r.blob_id,
          sha256: r.sha256,
          opened_at: r.opened_at,
        })),
      };
    },
  });
};
export default route;
