import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { decideCase } from '../../review/index.ts';
import { caseParams, decisionBody, REVIEWERS } from './schemas.ts';

/** POST /v1/cases/:id/decision — decide a claimed case: resolves every open item the decision answers. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/cases/:id/decision', {
    config: { access: { roles: REVIEWERS } },
    schema: {
      tags: ['review'],
      summary: 'Decide a case',
      description:
        "Review decisions (`apparent_csam`, `policy_violation`, `not_violating`, `escalate`) resolve every open review item in the case. Apparent CSAM bans the account or takes the group down unless `actions` says otherwise (an empty list takes none), adds the matched hashes to the CONFIRMED bank, places a one-year legal hold and links a legal-reports item with a drafted report. `uphold`/`reverse` decide the case's appeal and `approve`/`reject` its pending group-wide action; both need a reviewer other than the original decider. An escalated case is decided by a lead or admin. `GET /v1/cases/:id` lists the decisions the caller may take (`allowed.decisions`).",
      params: caseParams,
      body: decisionBody,
      response: {
        200: z.object({ decided: z.literal(true), action_ids: z.array(z.number()) }),
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const s = staffOf(req.principal);
      const r = await decideCase(ctx.db.kysely, req.params.id, s.staffId, req.body, ctx.clock, s.role);
      return { decided: true as const, action_ids: r.action_ids };
    },
  });
};
export default route;
