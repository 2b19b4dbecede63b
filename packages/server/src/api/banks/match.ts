import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { VigilError } from '../../errors.ts';
import { isMultipart, readOneUpload } from '../../http/upload.ts';
import { hashBytes, hashesJson } from '../../media/index.ts';
import type { BankMatch } from '../../media/index.ts';
import { matchMedia } from '../../media/index.ts';
import { mediaHashesSchema } from '../media/hash.ts';

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${n}}$`), `must be ${n} hex digits`);
const hashQuery = z
  .object({
    pdq: hex(64).optional(),
    md5: hex(32).optional(),
    sha256: hex(64).optional(),
    max_distance: z.number().int().min(0).max(256).optional(),
  })
  .strict();

const matchSchema = z.object({
  bank: z.string(),
  signal_type: z.string(),
  distance: z.number(),
  entry_id: z.number(),
  value: z.string(),
  source: z.string().nullable(),
  external_id: z.string().nullable(),
  tags: z.array(z.string()),
  note: z.string().nullable(),
  confirmed: z.boolean(),
  frame: z.number().optional(),
  transform: z.string().optional(),
  view: z.string().optional(),
});

const asJson = (m: BankMatch, frame?: number) => ({
  bank: m.bank,
  signal_type: m.signalType,
  distance: m.distance,
  entry_id: m.entryId,
  value: m.value,
  source: m.source,
  external_id: m.externalId,
  tags: m.tags,
  note: m.note,
  confirmed: m.confirmed,
  ...(frame === undefined ? {} : { frame }),
  ...(m.transform ? { transform: m.transform } : {}),
  ...(m.view ? { view: m.view } : {}),
});

/** POST /v1/match — look hashes (JSON) or an uploaded file (multipart) up in every enabled bank. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/match', {
    config: { access: { roles: ['admin', 'lead', 'reviewer'], scopes: ['read'] } },
    schema: {
      tags: ['banks'],
      summary: 'Match hashes or an upload against the banks',
      description:
        'JSON `{"pdq"?, "md5"?, "sha256"?, "max_distance"?}`, or multipart/form-data with one image or video (`?max_distance=` in the query). ' +
        'Allow-bank hits suppress block-bank hits (they are listed under `suppressed_by_allowlist`). Videos are matched frame by frame (vPDQ) and by their MD5/SHA-256. ' +
        'An uploaded image is also looked up by its 7 rotated/mirrored PDQ variants and, unless `media.robust` is off or `?robust=false`, by its robust views (bars trimmed, crops, small derotations, ' +
        'and uncrop views compared on the bits a crop leaves known, their distance scaled to 256 bits); a PDQ match says which `transform` and `view` matched. ' +
        "A video's frames are looked up in all 8 orientations too; its matches say which `frame`.",
      querystring: z.object({
        max_distance: z.coerce.number().int().min(0).max(256).optional(),
        robust: z.enum(['true', 'false']).optional(),
      }),
      response: {
        200: z.object({
          matches: z.array(matchSchema),
          suppressed_by_allowlist: z.array(z.object({ bank: z.string(), entry_id: z.number(), distance: z.number() })),
          hashes: mediaHashesSchema.optional(),
        }),
        400: errorSchema,
        413: errorSchema,
        415: errorSchema,
        422: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const db = ctx.db.kysely;
      if (isMultipart(req)) {
        const up = await readOneUpload(req, ctx.cfg.media.maxBytes);
        const h = await hashBytes(up.bytes, {
          dihedral: true,
          reoriented: true,
          robust: req.query.robust ? req.query.robust === 'true' : ctx.cfg.media.robust !== false,
        });
        const r = await matchMedia(db, ctx.bankIndex, h, req.query.max_distance ?? ctx.cfg.matching.pdqThreshold);
        return {
          matches: r.matches.map((m) => asJson(m, m.frame)),
          suppressed_by_allowlist: r.allowed.map((m) => ({ bank: m.bank, entry_id: m.entryId, distance: m.distance })),
          hashes: hashesJson(h),
        };
      }
      const parsed = hashQuery.safeParse(req.body ?? {});
      if (!parsed.success)
        throw new VigilError(
          'invalid_request',
          `invalid body: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        );
      const b = parsed.data;
      if (!b.pdq && !b.md5 && !b.sha256)
        throw new VigilError(
          'invalid_request',
          'give at least one of pdq, md5, sha256 (or upload a file as multipart/form-data)',
        );
      const r = await ctx.bankIndex.lookup(
        db,
        b,
        b.max_distance ?? req.query.max_distance ?? ctx.cfg.matching.pdqThreshold,
      );
      return {
        matches: r.matches.map((m) => asJson(m)),
        suppressed_by_allowlist: r.allowed.map((m) => ({ bank: m.bank, entry_id: m.entryId, distance: m.distance })),
      };
    },
  });
};
export default route;
