// The public reporting page: no login, no media asked for or shown, rate-limited per address and for
// everyone together. A report is stored before the acknowledgement is sent.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RouteModule } from '../../http/route.ts';
import { fileFlags, flagInput } from '../../flags/intake.ts';
import { hit } from '../../db/rate-limit.ts';
import { toView } from './read.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
label{display:block;margin:.8rem 0 .3rem}input,select,textarea{font:inherit;width:100%;padding:.4rem;box-sizing:border-box}
button{font:inherit;margin-top:1rem;padding:.5rem 1rem;background:#2f5fd0;color:#fff;border:0;border-radius:4px}
.note{background:#fff4d6;padding:.6rem;border-radius:4px}.error{color:#b00020}code{font-size:1.2em}
</style></head><body>${body}</body></html>`;
}

const FORM = page('Report child abuse on this service', `
<h1>Report an account or group</h1>
<p class="note">Do not upload, attach or paste any abusive image or video. Tell us where it is (a username or an invite link); our team
reviews every report. If a child is in immediate danger, call your local emergency number.</p>
<form method="post" action="/report">
<label for="kind">What are you reporting?</label>
<select id="kind" name="subject_kind"><option value="handle">An account (username)</option><option value="invite_link">A group (invite link)</option></select>
<label for="value">Username or invite link</label><input id="value" name="subject_value" required maxlength="500">
<label for="category">What is wrong?</label>
<select id="category" name="category"><option value="csam">Sharing child sexual abuse material</option><option value="grooming">Contacting children sexually (grooming)</option>
<option value="sextortion">Threatening to share sexual images (sextortion)</option><option value="trading">Advertising or trading abuse material</option><option value="other">Something else about child safety</option></select>
<label for="notes">What did you see? (no images, please)</label><textarea id="notes" name="notes" rows="5" maxlength="2000"></textarea>
<button type="submit">Send report</button>
</form>
<p><a href="/report/status">Follow up on a report</a></p>`);

const publicForm = z
  .object({
    subject_kind: z.enum(['handle', 'invite_link']),
    subject_value: z.string().trim().min(1, 'tell us the username or invite link').max(500, 'the username or link is longer than 500 characters'),
    category: z.enum(['csam', 'grooming', 'sextortion', 'trading', 'other']),
    notes: z.string().max(2000, 'the description is longer than 2,000 characters').optional(),
  })
  .strict();

const route: RouteModule = (app, ctx) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const wantsJson = (accept?: string) => !!accept && accept.includes('application/json') && !accept.includes('text/html');

  app.get('/report', { config: { access: { public: true } }, schema: { hide: true } }, async (_req, reply) => reply.type('text/html').send(FORM));

  app.post('/report', {
    config: { access: { public: true } },
    bodyLimit: 16 * 1024,
    schema: { tags: ['flags'], summary: 'Public report (HTML form or JSON)', hide: false },
    handler: async (req, reply) => {
      const json = wantsJson(req.headers.accept);
      const fail = (status: number, message: string) =>
        json ? reply.status(status).send({ error: { code: status === 429 ? 'rate_limited' : 'invalid_report', message } }) : reply.status(status).type('text/html').send(page('Report not sent', `<h1>Report not sent</h1><p class="error">${esc(message)}</p><p><a href="/report">Back to the form</a></p>`));
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
      const f = flagInput.parse({ subject: { kind: parsed.data.subject_kind, value: parsed.data.subject_value }, category: parsed.data.category, ...(parsed.data.notes ? { notes: parsed.data.notes } : {}) });
      const platform = 'default';
      const r = await fileFlags(ctx.db.kysely, platform, [f], { source: 'public', orgId: null, reporterKey: `public:${who}`, actor: 'public' }, ctx.cfg.flags, ctx.clock);
      const reference = r.references[0]!;
      if (json) return reply.status(201).send({ reference, status: 'received' });
      return reply.status(201).type('text/html').send(page('Report received', `<h1>Thank you. We received your report.</h1>
<p>Your reference: <code id="reference">${esc(reference)}</code>. Keep it to follow up.</p><p><a href="/report/status?reference=${encodeURIComponent(reference)}">Check its status</a></p>`));
    },
  });

  app.get('/report/status', { config: { access: { public: true } }, schema: { hide: true } }, async (req, reply) => {
    const reference = String((req.query as { reference?: string }).reference ?? '').trim().slice(0, 40);
    const form = `<form method="get" action="/report/status"><label for="r">Reference</label><input id="r" name="reference" value="${esc(reference)}"><button type="submit">Check</button></form>`;
    if (!reference) return reply.type('text/html').send(page('Report status', `<h1>Report status</h1>${form}`));
    const f = await ctx.db.kysely.selectFrom('flags').selectAll().where('reference', '=', reference).where('source', '=', 'public').executeTakeFirst();
    if (!f) return reply.status(404).type('text/html').send(page('Report status', `<h1>Report status</h1><p class="error">No public report has that reference.</p>${form}`));
    const v = toView(f);
    const label = { received: 'Received', under_review: 'Under review', actioned: 'Action taken', no_violation: 'No violation found' }[v.status] ?? v.status;
    return reply.type('text/html').send(page('Report status', `<h1>Report ${esc(v.reference)}</h1><p>Status: <b id="status">${esc(label)}</b></p>${v.statement ? `<p id="statement">${esc(v.statement)}</p>` : ''}`));
  });
};
export default route;
