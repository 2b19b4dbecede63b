import { z } from 'zod';
import { authErrors, staffOf, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { fromJson, toJson } from '../../util/json.ts';
import { iso } from '../../util/time.ts';

/** Reviewer wellness settings, per staff member. Defaults protect: blurred, greyscale, small. */
export const wellness = z
  .object({
    blur_px: z.number().int().min(0).max(60).default(24),
    greyscale: z.boolean().default(true),
    media_size_px: z.number().int().min(64).max(640).default(160),
    break_after_minutes: z.number().int().min(5).max(240).default(45),
  })
  .strict();

const route: RouteModule = (app, ctx) => {
  app.get('/v1/me/settings', {
    config: { access: { roles: ANY_STAFF } },
    schema: { tags: ['staff'], summary: 'My wellness settings', response: { 200: wellness, ...authErrors } },
    handler: async (req) => {
      const row = await ctx.db.kysely.selectFrom('staff_settings').select('settings').where('staff_id', '=', staffOf(req.principal).staffId).executeTakeFirst();
      return wellness.parse(row ? fromJson(row.settings) : {});
    },
  });
  app.put('/v1/me/settings', {
    config: { access: { roles: ANY_STAFF } },
    schema: { tags: ['staff'], summary: 'Change my wellness settings', body: wellness, response: { 200: wellness, ...authErrors } },
    handler: async (req) => {
      const staffId = staffOf(req.principal).staffId;
      const settings = toJson(req.body);
      await ctx.db.kysely
        .insertInto('staff_settings')
        .values({ staff_id: staffId, settings, updated_at: iso(ctx.clock.now()) })
        .onConflict((oc) => oc.column('staff_id').doUpdateSet({ settings, updated_at: iso(ctx.clock.now()) }))
        .execute();
      return req.body;
    },
  });
};
export default route;
