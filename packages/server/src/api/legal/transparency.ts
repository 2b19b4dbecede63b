import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { VigilError } from '../../errors.ts';
import { computeTransparency, transparencyCsv, transparencyHtml, type Transparency } from '../../legal/index.ts';
import { BREAKDOWN_TITLES, type BreakdownSection } from '../../legal/index.ts';

const counts = z.record(z.string(), z.number());
/** The JSON report: raw counts by code for machines, and the same figures labelled for readers (key_figures, breakdowns). */
const report = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  cybertipline_reports_by_incident_type: counts,
  decisions_by_outcome: counts,
  actions_by_type: counts,
  subjects_actioned: z.object({ accounts: z.number(), groups: z.number() }),
  accounts_banned: z.object({ total: z.number(), with_their_group: z.number() }),
  groups_taken_down: z.number(),
  hash_matches_by_bank: counts,
  user_reports: z.object({
    received: z.number(),
    verified: z.number(),
    rejected_as_forged: z.number(),
    note: z.string(),
  }),
  appeals: z.object({ filed: z.number(), upheld: z.number(), reversed: z.number(), pending: z.number() }),
  reversals: z.number(),
  law_enforcement_requests_by_type: counts,
  law_enforcement_requests_by_outcome: counts,
  key_figures: z.array(
    z.object({ key: z.string(), label: z.string(), value: z.number(), part_of: z.string().nullable() }),
  ),
  breakdowns: z.array(
    z.object({
      section: z.enum(Object.keys(BREAKDOWN_TITLES) as [BreakdownSection, ...BreakdownSection[]]),
      title: z.string(),
      rows: z.array(z.object({ code: z.string(), label: z.string(), value: z.number() })),
    }),
  ),
});

/** Fails to compile when the schema above and the report it describes differ. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: Same<z.infer<typeof report>, Transparency> = true;
void inStep;

const periodField = (from: string, message: string) =>
  /^to /.test(message) || !Number.isNaN(Date.parse(from)) ? 'to' : 'from';

/** GET /v1/legal/transparency?from=&to=&format=json|csv|html — figures for a period, from the records. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/transparency', {
    config: { access: { roles: ['admin', 'legal', 'lead', 'auditor'] } },
    schema: {
      tags: ['legal'],
      summary: 'Transparency figures for a period',
      description:
        'JSON by default (described here); `format=csv` gives `section,key,value` rows of the codes, `format=html` a page in the labels of `key_figures` and `breakdowns`.',
      querystring: z.object({
        from: z.string(),
        to: z.string(),
        format: z.enum(['json', 'csv', 'html']).default('json'),
      }),
      response: { 200: report, 400: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      let t;
      try {
        t = await computeTransparency(ctx.db.kysely, req.query.from, req.query.to);
      } catch (e) {
        // Said at the field, like every other invalid request: the console shows it next to the date.
        if (e instanceof RangeError)
          throw new VigilError('invalid_request', e.message, [
            { path: periodField(req.query.from, e.message), message: e.message },
          ]);
        throw e;
      }
      if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(transparencyCsv(t) as never);
      if (req.query.format === 'html') return reply.type('text/html; charset=utf-8').send(transparencyHtml(t) as never);
      return t;
    },
  });
};
export default route;
