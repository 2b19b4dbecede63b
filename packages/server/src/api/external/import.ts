import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { appendAudit } from '../../audit/log.ts';
import { normaliseExternal } from '../../detect/external.ts';
import { iso } from '../../util/time.ts';

const entry = z.object({ kind: z.enum(['handle', 'invite_url', 'md5', 'sha256', 'pdq']), value: z.string().min(1).max(2048), category: z.string().max(100).optional(), note: z.string().max(1000).optional() }).strict();

/** POST /v1/external-signals — import a list of handles, invite URLs or hashes seen elsewhere. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/external-signals', {
    config: { access: { roles: OPS } },
    schema: {
      tags: ['detection'],
      summary: 'Import an external signal list',
      description: 'Entries match later (and earlier-seen subjects on their next event); a match raises a signal for review, never an automatic action.',
      body: z.object({ source: z.string().min(1).max(200), expires_at: z.string().datetime({ offset: true }).optional(), entries: z.array(entry).min(1).max(100_000) }).strict(),
      response: { 200: z.object({ imported: z.number(), already_present: z.number() }), 400: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const b = req.body;
      const now = iso(ctx.clock.now());
      return ctx.db.kysely.transaction().execute(async (trx) => {
        let imported = 0;
        for (let i = 0; i < b.entries.length; i += 500) {
          const rows = b.entries.slice(i, i + 500).map((e) => ({ kind: e.kind, value: normaliseExternal(e.kind, e.value), source: b.source, category: e.category ?? null, note: e.note ?? null, expires_at: b.expires_at ? new Date(b.expires_at).toISOString() : null, created_at: now }));
          const r = await trx.insertInto('external_signals').values(rows).onConflict((oc) => oc.columns(['kind', 'value', 'source']).doNothing()).returning('id').execute();
          imported += r.length;
        }
        await appendAudit(trx, { actor: actorOf(req.principal), action: 'external_signals.import', subjectType: 'external_list', subjectId: b.source, data: { entries: b.entries.length, imported, expires_at: b.expires_at ?? null } }, ctx.clock);
        return { imported, already_present: b.entries.length - imported };
      });
    },
  });
};
export default route;
