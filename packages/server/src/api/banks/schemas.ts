import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { setEntryConfirmation } from '../../media/index.ts';

/** POST /v1/banks/:name/entries/:id/confirm and /deconfirm: one registration, two methods (entry-confirm.ts, entry-deconfirm.ts). */
export const entryConfirmation =
  (op: 'confirm' | 'deconfirm'): RouteModule =>
  (app, ctx) => {
    app.post(`/v1/banks/:name/entries/:id/${op}`, {
      config: { access: { roles: OPS } },
      schema: {
        tags: ['banks'],
        summary:
          op === 'confirm'
            ? 'Confirm an entry (and re-enable it)'
            : 'Deconfirm an entry: it stays on record but stops matching',
        params: z.object({ name: z.string(), id: z.coerce.number().int().positive() }),
        body: z.object({ reason: z.string().min(3).max(2000) }).strict(),
        response: {
          200: z.object({ entry_id: z.number(), confirmed: z.boolean(), disabled: z.boolean() }),
          400: errorSchema,
          404: errorSchema,
          ...authErrors,
        },
      },
      handler: async (req) => {
        await setEntryConfirmation(
          ctx.db.kysely,
          req.params.name,
          req.params.id,
          op === 'confirm',
          req.body.reason,
          actorOf(req.principal),
          ctx.clock,
        );
        return { entry_id: req.params.id, confirmed: op === 'confirm', disabled: op !== 'confirm' };
      },
    });
  };
