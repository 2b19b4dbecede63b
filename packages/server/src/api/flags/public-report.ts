import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RouteModule } from '../../http/route.ts';
import { fileFlags, flagInput } from '../../flags/index.ts';
import { hit } from '../../db/rate-limit.ts';
import { esc, page } from './schemas.ts';

const publicForm = z
  .object({
    subject_kind: z.enum(['handle', 'invite_link']),
    subject_value: z
      .string()
      .trim()
      .min(1, 'tell us the username or invite link')
      .max(500, 'the username or link is longer than 500 characters'),
    category: z.enum(['csam', 'grooming', 'sextortion', 'trading', 'other']),
    notes: z.string().max(2000, 'the description is longer than 2,000 characters').optional(),
  })
  .strict();

// POST /report.
// The public reporting page: no login, no media asked for or shown, rate-limited per address and for
// everyone together. A report is stored before the acknowledgement is sent.
const route: RouteModule = (app, ctx) => {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  const wantsJson = (accept?: string) =>
    !!accept && accept.includes('application/json') && !accept.includes('text/html');
  app.post('/report', {
    config: { access: { public: true } },
    bodyLimit: 16 * 1024,
    schema: { tags: ['flags'], summary: 'Public report (HTML form or JSON)', hide: false },
    handler: async (req, reply) => {
      const json = wantsJson(req.headers.accept);
      const fail = (status: number, message: string) =>
        json
          ? reply.status(status).send({ error: { code: status === 429 ? 'rate_limited' : 'invalid_report', message } })
          : reply
              .status(status)
              .type('text/html')
              .send(
                page(
                  'Report not sent',
                  `<h1>Report not sent</h1><p class="error">${esc(message)}</p><p><a href="/report">Back to the form</a></p>`,
                ),
              );
      const hour = 3600_000;
      const who = createHash('sha256').update(`vigil-public-report:${req.ip}`).digest('hex').slice(0, 32);
      if ((await hit(ctx.db.kysely, `report-ip:${who}`, hour, ctx.clock)) > ctx.cfg.flags.publicPerAddressPerHour) {
        reply.header('retry-after', '3600');
        return fail(429, 'Too many reports from your connection. Please try again in an hour.');
      }
      if ((await hit(ctx.db.kysely, 'report-global', hour, ctx.clock)) > ctx.cfg.flags.publicGlobalPerHour) {
        reply.header('retry-after', '600');
        return fail(429, 'We are receiving an unusual number of reports. Please try again in a few minutes.');
      }
      const parsed = publicForm.safeParse(req.body);
      if (!parsed.success) return fail(400, parsed.error.issues.map((i) => i.message).join('; '));
      const f = flagInput.parse({
        subject: { kind: parsed.data.subject_kind, value: parsed.data.subject_value },
        category: parsed.data.category,
        ...(parsed.data.notes ? { notes: parsed.data.notes } : {}),
      });
      const platform = 'default';
      const r = await fileFlags(
        ctx.db.kysely,
        platform,
        [f],
        { source: 'public', orgId: null, reporterKey: `public:${who}`, actor: 'public' },
        ctx.cfg.flags,
        ctx.clock,
      );
      const reference = r.references[0]!;
      if (json) return reply.status(201).send({ reference, status: 'received' });
      return reply
        .status(201)
        .type('text/html')
        .send(
          page(
            'Report received',
            `<h1>Thank you. We received your report.</h1>
<p>Your reference: <code id="reference">${esc(reference)}</code>. Keep it to follow up.</p><p><a href="/report/status?reference=${encodeURIComponent(reference)}">Check its status</a></p>`,
          ),
        );
    },
  });
};
export default route;
