import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { bulkCases, DECISIONS } from '../../review/index.ts';
import { decisionBody, REVIEWERS } from './schemas.ts';

const ids = z.array(z.number().int().positive()).min(1).max(1000);
const body = z.union([
  z.object({ ids, claim: z.literal(true) }).strict(),
  z.object({ ids, release: z.literal(true) }).strict(),
  decisionBody.extend({ ids, decision: z.enum(DECISIONS) }).strict(),
]);

/** POST /v1/cases/bulk — claim, release or decide up to 1,000 cases at once, all or nothing. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/cases/bulk', {
    config: { access: { roles: REVIEWERS } },
    schema: {
      tags: ['review'],
      summary: 'Claim, release or decide many cases, all or nothing',
      description:
        'Send `{"ids":[…], "claim": true}`, `{"ids":[…], "release": true}` or `{"ids":[…], "decision": "not_violating", "reason": "…"}`. Either every case changes or none does: a refusal (409 `bulk_refused`) lists each case that could not be changed in `error.details.errors` (`[{"id","message"}]`). A bulk decision claims each case for the caller and takes no case another reviewer holds; appeals and approvals are decided one case at a time.',
      body,
      response: {
        200: z.object({
          ids: z.array(z.number()),
          results: z.array(z.object({ id: z.number(), action_ids: z.array(z.number()) })),
        }),
        400: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const b = req.body;
      const op =
        'claim' in b
          ? { kind: 'claim' as const }
          : 'release' in b
            ? { kind: 'release' as const }
            : {
                kind: 'decision' as const,
                input: {
                  decision: b.decision,
                  reason: b.reason,
                  note: b.note,
                  actions: b.actions,
                  allowlist: b.allowlist,
                },
              };
      const s = staffOf(req.principal);
      return bulkCases(ctx.db.kysely, b.ids, s.staffId, op, ctx.clock, s.role);
    },
  });
};
export default route;
