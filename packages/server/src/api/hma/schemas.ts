import { z } from 'zod';
import { hashBytes } from '../../media/index.ts';
import { frameProbes, imageProbes, lookupProbes, type FileMatch, type Probe } from '../../media/index.ts';
import type { MediaHashes } from '@vigil/pdq';
import type { AppContext } from '../../context.ts';
import { fetchMedia } from '../../media/index.ts';

/** Vigil's extension (`include_matches=true`): a match object per listed entry instead of bank names. */
const matchObject = z.object({
  bank: z.string(),
  content_id: z.number(),
  distance: z.number(),
  transform: z
    .string()
    .optional()
    .describe(
      'PDQ matches of media Vigil hashed: the orientation of the query that matched (`identity`, `flipx`, `rot90`…)',
    ),
  view: z.string().optional().describe('PDQ matches through a robust view (media.robust): which view'),
  frame: z.number().optional().describe('Video: the frame that matched'),
});

type MatchObject = z.infer<typeof matchObject>;

const toObject = (m: FileMatch): MatchObject => ({
  bank: m.bank,
  content_id: m.entryId,
  distance: m.distance,
  ...(m.transform ? { transform: m.transform } : {}),
  ...(m.view ? { view: m.view } : {}),
  ...(m.frame === undefined ? {} : { frame: m.frame }),
});

/**
 * Every signal of a file Vigil hashed itself, looked up the way /v1/match does: an image's PDQ also in
 * its 8 orientations (and, with media.robust, its robust views), a video's frames also in theirs.
 * HMA's shape is `{signal_type: [bank names]}` (a video's frames count as "vpdq"); allow banks suppress.
 */
export async function lookupAll(ctx: AppContext, h: MediaHashes, detailed: boolean) {
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
  for (const [type, ms] of Object.entries(found))
    out[type] = detailed ? ms.map(toObject) : [...new Set(ms.map((m) => m.bank))];
  return out;
}

/** Media Vigil hashes for a lookup: with dihedrals and turned pixels always, robust views per media.robust. */
export const hashForLookup = (ctx: AppContext, bytes: Uint8Array) =>
  hashBytes(bytes, { dihedral: true, reoriented: true, robust: ctx.cfg.media.robust !== false });

export const includeMatches = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .describe(
    'Vigil extension: answer match objects (`bank`, `content_id`, `distance`, `transform`, `view`, `frame`) per signal type instead of bank names',
  );

export const detailedOf = (v?: string) => v === 'true' || v === '1';

export const lookupResponse = z.record(z.string(), z.union([z.array(z.string()), z.array(matchObject)]));

export async function fetchForHashing(ctx: AppContext, url: string) {
  return fetchMedia(url, {
    allowPrivate: ctx.cfg.media.allowPrivateFetch,
    maxBytes: ctx.cfg.media.maxBytes,
    timeoutMs: ctx.cfg.media.timeoutMs,
  });
}

export const access = { roles: ['admin', 'lead', 'reviewer'] as const, scopes: ['read', 'ingest'] as const };

export const hashes = z.record(z.string(), z.string());
