import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { VigilError } from '../../errors.ts';
import { readOneUpload } from '../../http/upload.ts';
import { hashBytes } from '../../media/hash-upload.ts';
import { hmaLookup, hmaSignal } from '../../media/hma.ts';
import { frameProbes, imageProbes, lookupProbes, type FileMatch, type Probe } from '../../media/match-media.ts';
import type { MediaHashes } from '@vigil/pdq';
import type { AppContext } from '../../context.ts';
import { fetchForHashing } from './hash.ts';

/** Vigil's extension (`include_matches=true`): a match object per listed entry instead of bank names. */
const matchObject = z.object({
  bank: z.string(),
  content_id: z.number(),
  distance: z.number(),
  transform: z.string().optional().describe('PDQ matches of media Vigil hashed: the orientation of the query that matched (`identity`, `flipx`, `rot90`…)'),
  view: z.string().optional().describe('PDQ matches through a robust view (media.robust): which view'),
  frame: z.number().optional().describe('Video: the frame that matched'),
});
type MatchObject = z.infer<typeof matchObject>;

const toObject = (m: FileMatch): MatchObject => ({
  bank: m.bank, content_id: m.entryId, distance: m.distance,
  ...(m.transform ? { transform: m.transform } : {}), ...(m.view ? { view: m.view } : {}), ...(m.frame === undefined ? {} : { frame: m.frame }),
});

/**
 * Every signal of a file Vigil hashed itself, looked up the way /v1/match does: an image's PDQ also in
 * its 8 orientations (and, with media.robust, its robust views), a video's frames also in theirs.
 * HMA's shape is `{signal_type: [bank names]}` (a video's frames count as "vpdq"); allow banks suppress.
 */
async function lookupAll(ctx: AppContext, h: MediaHashes, detailed: boolean) {
  const t = ctx.cfg.matching.pdqThreshold;
  const run = async (probes: Probe[]) => (await lookupProbes(ctx.db.kysely, ctx.bankIndex, probes)).matches;
  const found: Record<string, FileMatch[]> =
    h.kind === 'image'
      ? {
          pdq: await run(imageProbes({ pdq: h.pdq, quality: h.quality, dihedral: h.dihedral, views: h.views }, t)),
          md5: await run([{ q: { md5: h.md5 }, threshold: t }]),
          sha256: await run([{ q: { sha256: h.sha256 }, threshold: t }]),
        }
      : {
          video_md5: await run([{ q: { md5: h.md5 }, threshold: t }]),
          md5: await run([{ q: { md5: h.md5 }, threshold: t }]),
          sha256: await run([{ q: { sha256: h.sha256 }, threshold: t }]),
          vpdq: await run(frameProbes(h.frames, t)),
        };
  const out: Record<string, string[] | MatchObject[]> = {};
  for (const [type, ms] of Object.entries(found)) out[type] = detailed ? ms.map(toObject) : [...new Set(ms.map((m) => m.bank))];
  return out;
}

/** Media Vigil hashes for a lookup: with dihedrals and turned pixels always, robust views per media.robust. */
const hashForLookup = (ctx: AppContext, bytes: Uint8Array) => hashBytes(bytes, { dihedral: true, reoriented: true, robust: ctx.cfg.media.robust !== false });

const includeMatches = z.enum(['true', 'false', '1', '0']).optional()
  .describe('Vigil extension: answer match objects (`bank`, `content_id`, `distance`, `transform`, `view`, `frame`) per signal type instead of bank names');
const detailedOf = (v?: string) => v === 'true' || v === '1';
const lookupResponse = z.record(z.string(), z.union([z.array(z.string()), z.array(matchObject)]));

/** HMA-compatible matching: GET /m/lookup (signal_type + signal → bank names, or url → per signal type) and POST (upload). */
const route: RouteModule = (app, ctx) => {
  const access = { roles: ['admin', 'lead', 'reviewer'] as ('admin' | 'lead' | 'reviewer')[], scopes: ['read' as const] };
  app.get('/m/lookup', {
    config: { access },
    schema: {
      tags: ['hma'],
      summary: 'HMA: which banks match a hash (or the media at a URL)',
      description: 'A hash given is looked up as it is. Media at `url` is hashed by Vigil and looked up in all 8 orientations (and through robust views when media.robust is on), as POST /v1/match does.',
      querystring: z.object({
        signal_type: z.string().optional(), signal: z.string().optional(), url: z.string().url().optional(), seed: z.string().optional(), include_matches: includeMatches,
      }),
      response: { 200: z.union([z.array(z.string()), lookupResponse]), 400: errorSchema, 413: errorSchema, 422: errorSchema, 502: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const q = req.query;
      if (q.url) return lookupAll(ctx, await hashForLookup(ctx, (await fetchForHashing(ctx, q.url)).bytes), detailedOf(q.include_matches));
      if (!q.signal_type || !q.signal) throw new VigilError('invalid_request', 'give signal_type and signal, or url');
      const s = hmaSignal(q.signal_type, q.signal);
      return hmaLookup(ctx.db.kysely, ctx.bankIndex, s.type, s.value, ctx.cfg.matching.pdqThreshold);
    },
  });
  app.post('/m/lookup', {
    config: { access },
    schema: {
      tags: ['hma'],
      summary: 'HMA: hash an uploaded photo or video and match it',
      description: 'The upload is hashed by Vigil and looked up in all 8 orientations (a video: every frame in all 8), and through robust views when media.robust is on.',
      querystring: z.object({ seed: z.string().optional(), include_matches: includeMatches }),
      response: { 200: lookupResponse, 400: errorSchema, 413: errorSchema, 415: errorSchema, 422: errorSchema, ...authErrors },
    },
    handler: async (req) => lookupAll(ctx, await hashForLookup(ctx, (await readOneUpload(req, ctx.cfg.media.maxBytes, ['photo', 'video'])).bytes), detailedOf(req.query.include_matches)),
  });
};
export default route;
