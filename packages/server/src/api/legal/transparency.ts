import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { HttpError } from '../../http/errors.ts';
import { computeTransparency, transparencyCsv, transparencyHtml } from '../../legal/transparency.ts';

const periodField = (from: string, message: string) => (/^to /.test(message) || !Number.isNaN(Date.parse(from)) ? 'to' : 'from');

/** GET /v1/legal/transparency?from=&to=&format=json|csv|html — figures for a period, from the records. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/transparency', {
    config: { access: { roles: ['admin', 'legal', 'lead', 'auditor'] } },
    schema: { tags: ['legal'], summary: 'Transparency figures for a period', querystring: z.object({ from: z.string(), to: z.string(), format: z.enum(['json', 'csv', 'html']).default('json') }), response: { 400: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      let t;
      try {
        t = await computeTransparency(ctx.db.kysely, req.query.from, req.query.to);
      } catch (e) {
        // Said at the field, like every other invalid request: the console shows it next to the date.
        if (e instanceof RangeError) throw new HttpError(400, 'invalid_request', e.message, [{ path: periodField(req.query.from, e.message), message: e.message }]);
        throw e;
      }
      if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(transparencyCsv(t) as never);
      if (req.query.format === 'html') return reply.type('text/html; charset=utf-8').send(transparencyHtml(t) as never);
      return t as never;
    },
  });
};
export default route;
