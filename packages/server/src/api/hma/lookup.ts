import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { HttpError } from '../../http/errors.ts';
import { readOneUpload } from '../../http/upload.ts';
import { hashBytes } from '../../media/hash-upload.ts';
import { hmaHashes, hmaLookup, hmaSignal } from '../../media/hma.ts';
import type { MediaHashes } from '@vigil/pdq';
import type { AppContext } from '../../context.ts';
import { fetchForHashing } from './hash.ts';

/** Every signal of a file looked up: HMA's `{signal_type: [bank names]}`; a video's frames count as its "pdq". */
async function lookupAll(ctx: AppContext, h: MediaHashes) {
  const t = ctx.cfg.matching.pdqThreshold;
  const out: Record<string, string[]> = {};
  for (const [type, value] of Object.entries(hmaHashes(h))) out[type] = await hmaLookup(ctx.db.kysely, ctx.bankIndex, hmaSignal(type, value).type, value, t);
  if (h.kind === 'video') {
    const banks = new Set<string>();
    for (const f of h.frames) for (const b of await hmaLookup(ctx.db.kysely, ctx.bankIndex, 'pdq', f.pdq, t)) banks.add(b);
    out.vpdq = [...banks];
  }
  return out;
}

/** HMA-compatible matching: GET /m/lookup (signal_type + signal → bank names, or url → per signal type) and POST (upload). */
const route: RouteModule = (app, ctx) => {
  const access = { roles: ['admin', 'lead', 'reviewer'] as ('admin' | 'lead' | 'reviewer')[], scopes: ['read' as const] };
  app.get('/m/lookup', {
    config: { access },
    schema: {
      tags: ['hma'],
      summary: 'HMA: which banks match a hash (or the media at a URL)',
      querystring: z.object({ signal_type: z.string().optional(), signal: z.string().optional(), url: z.string().url().optional(), seed: z.string().optional() }),
      response: { 200: z.union([z.array(z.string()), z.record(z.string(), z.array(z.string()))]), 400: errorSchema, 413: errorSchema, 422: errorSchema, 502: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const q = req.query;
      if (q.url) return lookupAll(ctx, await hashBytes((await fetchForHashing(ctx, q.url)).bytes));
      if (!q.signal_type || !q.signal) throw new HttpError(400, 'invalid_request', 'give signal_type and signal, or url');
      const s = hmaSignal(q.signal_type, q.signal);
      return hmaLookup(ctx.db.kysely, ctx.bankIndex, s.type, s.value, ctx.cfg.matching.pdqThreshold);
    },
  });
  app.post('/m/lookup', {
    config: { access },
    schema: { tags: ['hma'], summary: 'HMA: hash an uploaded photo or video and match it', response: { 200: z.record(z.string(), z.array(z.string())), 400: errorSchema, 413: errorSchema, 415: errorSchema, 422: errorSchema, ...authErrors } },
    handler: async (req) => lookupAll(ctx, await hashBytes((await readOneUpload(req, ctx.cfg.media.maxBytes, ['photo', 'video'])).bytes)),
  });
};
export default route;
