import { z } from 'zod';
import { TermListError } from '@vigil/text';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { saveTermList } from '../../detect/index.ts';
import { termListIssues } from './issues.ts';
import { VigilError } from '../../errors.ts';

/** PUT /v1/term-list — The coded-term list in force; saving makes a new, audited version. */
const route: RouteModule = (app, ctx) => {
  app.put('/v1/term-list', {
    config: { access: { roles: OPS } },
    bodyLimit: 5 * 1024 * 1024,
    schema: {
      tags: ['detection'],
      summary: 'Save a new version of the coded-term list (validated; the version number is assigned)',
      body: z.object({}).passthrough(),
      response: { 200: z.object({ version: z.number(), terms: z.number() }), 400: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      try {
        const list = await saveTermList(ctx.db.kysely, req.body, actorOf(req.principal), ctx.clock);
        return { version: list.version, terms: list.terms.length };
      } catch (e) {
        if (e instanceof TermListError) throw new VigilError('invalid_term_list', e.message, termListIssues(req.body));
        throw e;
      }
    },
  });
};
export default route;
