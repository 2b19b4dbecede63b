import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { appendAudit } from '../../audit/log.ts';
import { fetchMedia } from '../../media/index.ts';
import { fromJson } from '../../util/json.ts';
import { notFound } from '../../errors.ts';
import { recordReveal } from '../../review/index.ts';

/**
 * GET /v1/media/content — a reviewer views one media item (shared media, or a profile/group photo).
 * Every view is an audit entry: it is what later proves a person viewed that very file.
 */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/media/content', {
    config: { access: { roles: ['admin', 'lead', 'reviewer', 'legal'] } },
    schema: {
      tags: ['review'],
      summary: 'View a media item (audited)',
      querystring: z.object({
        platform: z.string().default('default'),
        kind: z.enum(['media', 'account_avatar', 'group_avatar']),
        id: z.string().min(1),
        task_id: z.coerce.number().int().positive().optional(),
      }),
      response: {
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
        413: errorSchema,
        429: errorSchema,
        502: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const q = req.query;
      const db = ctx.db.kysely;
      type Ref =
        { url?: string | null; sha256?: string | null; md5?: string | null; pdq?: string | null } | null | undefined;
      let ref: Ref = null;
      if (q.kind === 'media')
        ref = (await db
          .selectFrom('media')
          .select(['url', 'sha256', 'md5', 'pdq'])
          .where('platform', '=', q.platform)
          .where('id', '=', q.id)
          .executeTakeFirst()) as Ref;
      else {
        const row = await db
          .selectFrom(q.kind === 'account_avatar' ? 'accounts' : 'groups')
          .select('avatar')
          .where('platform', '=', q.platform)
          .where('id', '=', q.id)
          .executeTakeFirst();
        ref = row ? fromJson(row.avatar) : null;
      }
      if (!ref?.url) throw notFound(`media for ${q.kind} ${q.id}`);
      // Counted before the fetch: past a wellness limit the bytes are never sent.
      await recordReveal(db, staffOf(req.principal).staffId, ctx.cfg, ctx.clock);
      const media = await fetchMedia(ref.url, {
        allowPrivate: ctx.cfg.media.allowPrivateFetch,
        maxBytes: ctx.cfg.media.maxBytes,
        timeoutMs: ctx.cfg.media.timeoutMs,
      });
      await appendAudit(
        db,
        {
          actor: `staff:${staffOf(req.principal).staffId}`,
          action: 'evidence.view',
          subjectType: q.kind,
          subjectId: q.id,
          data: {
            platform: q.platform,
            task_id: q.task_id ?? null,
            url: ref.url,
            sha256: ref.sha256 ?? null,
            md5: ref.md5 ?? null,
            pdq: ref.pdq ?? null,
            bytes: media.bytes.length,
          },
        },
        ctx.clock,
      );
      return reply
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .type(media.type)
        .send(media.bytes as never);
    },
  });
};
export default route;
