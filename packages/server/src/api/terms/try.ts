import { z } from 'zod';
import { detect, parseTermList, SURFACES, TermListError, type TermList } from '@vigil/text';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { currentTermList } from '../../detect/index.ts';
import { fromJson } from '../../util/json.ts';
import { VigilError, notFound } from '../../errors.ts';
import { termListIssues } from './issues.ts';

const place = z.object({
  term: z.string(),
  kind: z.string(),
  category: z.string(),
  original: z.string(),
  normalised: z.string(),
  span: z.object({ start: z.number(), end: z.number() }),
});
const hit = place.extend({
  weight: z.number(),
  score: z.number(),
  severity: z.string(),
  combination: z.string(),
  steps: z.array(z.string()),
  explanation: z.string(),
  context: z.array(place),
  domain: z.array(place.extend({ weight: z.number() })),
});

/**
 * POST /v1/term-list/try — runs a text through a term list with the detector the analysis job uses, and says
 * what it finds: the list in force, a saved version, or an unsaved draft (so an editor can try before saving).
 * Nothing is stored.
 */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/term-list/try', {
    config: { access: { roles: ANY_STAFF } },
    bodyLimit: 5 * 1024 * 1024,
    schema: {
      tags: ['detection'],
      summary: 'Try a text against the coded-term list (nothing is stored)',
      body: z
        .object({
          text: z.string().min(1).max(5000),
          surface: z.enum(SURFACES).default('bio'),
          version: z.number().int().positive().optional(),
          list: z.record(z.string(), z.unknown()).optional(),
        })
        .strict()
        .refine((b) => !(b.version && b.list), { message: 'give a version or a draft list, not both', path: ['list'] }),
      response: {
        200: z.object({
          version: z.number().nullable(),
          surface: z.string(),
          flagged: z.boolean(),
          score: z.number(),
          hits: z.array(hit),
          cleared: z.array(hit),
        }),
        400: errorSchema,
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const { text, surface, version } = req.body;
      let list: TermList | null;
      if (req.body.list) {
        try {
          list = parseTermList({ ...req.body.list, version: 1 });
        } catch (e) {
          if (e instanceof TermListError)
            throw new VigilError('invalid_term_list', e.message, termListIssues(req.body.list));
          throw e;
        }
      } else if (version) {
        const row = await ctx.db.kysely
          .selectFrom('term_lists')
          .select('list')
          .where('version', '=', version)
          .executeTakeFirst();
        if (!row) throw notFound(`term list version ${version}`);
        list = parseTermList(fromJson(row.list));
      } else {
        list = await currentTermList(ctx.db.kysely);
        if (!list) throw notFound('term list');
      }
      const d = detect(text, surface, list);
      return {
        version: req.body.list ? null : list.version,
        surface,
        flagged: d.flagged,
        score: d.score,
        hits: d.hits,
        cleared: d.cleared,
      };
    },
  });
};
export default route;
