import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { BankIndex } from '../../media/bank-index.ts';

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${n}}$`));

/** POST /v1/match — look hashes up in every enabled bank (allow banks suppress block matches). */
const route: RouteModule = (app, ctx) => {
  const index = new BankIndex();
  app.post('/v1/match', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'], scopes: ['read'] } },
    schema: {
      tags: ['banks'],
      summary: 'Match hashes against the banks',
      body: z.object({ pdq: hex(64).optional(), md5: hex(32).optional(), sha256: hex(64).optional(), max_distance: z.number().int().min(0).max(128).optional() }).strict(),
      response: {
        200: z.object({
          matches: z.array(z.object({ bank: z.string(), signal_type: z.string(), distance: z.number(), entry_id: z.number(), value: z.string(), source: z.string().nullable(), external_id: z.string().nullable(), tags: z.array(z.string()), note: z.string().nullable() })),
          suppressed_by_allowlist: z.array(z.object({ bank: z.string(), entry_id: z.number(), distance: z.number() })),
        }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      await index.refresh(ctx.db.kysely);
      const r = index.lookup(req.body, req.body.max_distance ?? ctx.cfg.matching.pdqThreshold);
      return {
        matches: r.matches.map((m) => ({ bank: m.bank, signal_type: m.signalType, distance: m.distance, entry_id: m.entryId, value: m.value, source: m.source, external_id: m.externalId, tags: m.tags, note: m.note })),
        suppressed_by_allowlist: r.allowed.map((m) => ({ bank: m.bank, entry_id: m.entryId, distance: m.distance })),
      };
    },
  });
};
export default route;
