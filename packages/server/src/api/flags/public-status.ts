import type { RouteModule } from '../../http/route.ts';
import { esc, page, toView } from './schemas.ts';

// GET /report/status.
// The public reporting page: no login, no media asked for or shown, rate-limited per address and for
// everyone together. A report is stored before the acknowledgement is sent.
const route: RouteModule = (app, ctx) => {
  app.get('/report/status', { config: { access: { public: true } }, schema: { hide: true } }, async (req, reply) => {
    const reference = String((req.query as { reference?: string }).reference ?? '')
      .trim()
      .slice(0, 40);
    const form = `<form method="get" action="/report/status"><label for="r">Reference</label><input id="r" name="reference" value="${esc(reference)}"><button type="submit">Check</button></form>`;
    if (!reference) return reply.type('text/html').send(page('Report status', `<h1>Report status</h1>${form}`));
    const f = await ctx.db.kysely
      .selectFrom('flags')
      .selectAll()
      .where('reference', '=', reference)
      .where('source', '=', 'public')
      .executeTakeFirst();
    if (!f)
      return reply
        .status(404)
        .type('text/html')
        .send(
          page(
            'Report status',
            `<h1>Report status</h1><p class="error">No public report has that reference.</p>${form}`,
          ),
        );
    const v = toView(f);
    const label =
      {
        received: 'Received',
        under_review: 'Under review',
        actioned: 'Action taken',
        no_violation: 'No violation found',
      }[v.status] ?? v.status;
    return reply
      .type('text/html')
      .send(
        page(
          'Report status',
          `<h1>Report ${esc(v.reference)}</h1><p>Status: <b id="status">${esc(label)}</b></p>${v.statement ? `<p id="statement">${esc(v.statement)}</p>` : ''}`,
        ),
      );
  });
};
export default route;
