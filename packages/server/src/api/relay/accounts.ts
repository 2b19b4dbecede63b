import { z } from 'zod';
import { authErrors, errorSchema, relayUserOf, type RouteModule } from '../../http/route.ts';
import { login, register } from '../../relay/accounts.ts';
import { ingestEvents, validateEvents } from '../../ingest/ingest.ts';
import { HttpError } from '../../http/errors.ts';
import type { AppContext } from '../../context.ts';
import { relayKeys } from '../../reports/relay-keys.ts';
import { relayLimiters } from '../../relay/rate-limit.ts';

const creds = z.object({ username: z.string(), password: z.string() }).strict();
const session = z.object({ user_id: z.string(), token: z.string() });

/** Profiles are the unencrypted surfaces: each change goes to Vigil's own ingest as a platform event. */
async function profileEvent(ctx: AppContext, type: 'account.created' | 'account.updated', account: Record<string, unknown>, id: string) {
  await ingestEvents(ctx.db.kysely, ctx.cfg.relay.platform, validateEvents([{ id, type, occurred_at: ctx.clock.now().toISOString(), account }]), ctx.clock);
  ctx.jobsAdded();
}

/** The reference messenger's accounts: register, sign in (a device token), edit the profile. */
const route: RouteModule = (app, ctx) => {
  app.get('/relay/v1/info', {
    config: { access: { public: true } },
    schema: { tags: ['relay'], summary: "The relay's public source-record keys (clients verify source records with them)", response: { 200: z.object({ source_keys: z.record(z.string(), z.string()) }) } },
    handler: async () => {
      const k = relayKeys(ctx.cfg);
      return { source_keys: Object.fromEntries([...k.source].map(([id, v]) => [id, Buffer.from(v.signPublic).toString('base64')])) };
    },
  });
  app.post('/relay/v1/accounts', {
    config: { access: { public: true } },
    schema: { tags: ['relay'], summary: 'Register (username and password; no phone number)', body: creds, response: { 201: session, 400: errorSchema, 409: errorSchema, 429: errorSchema } },
    handler: async (req, reply) => {
      relayLimiters(ctx).perHour.take(`register:${req.ip}`, ctx.cfg.relay.limits.registrationsPerAddressPerHour, 'registrations from this address');
      const r = await register(ctx.db.kysely, req.body.username, req.body.password, ctx.clock);
      await profileEvent(ctx, 'account.created', { id: r.userId, username: req.body.username, ip: req.ip }, `relay:${r.userId}:created`);
      return reply.status(201).send({ user_id: r.userId, token: r.token });
    },
  });
  app.post('/relay/v1/sessions', {
    config: { access: { public: true } },
    schema: { tags: ['relay'], summary: 'Sign in: a new device token (refused for banned accounts)', body: creds, response: { 200: session, 401: errorSchema, 403: errorSchema } },
    handler: async (req) => {
      const r = await login(ctx.db.kysely, ctx.cfg.relay.platform, req.body.username, req.body.password, ctx.clock);
      return { user_id: r.userId, token: r.token };
    },
  });
  app.get('/relay/v1/users/:username', {
    config: { access: { relayUsers: true } },
    schema: { tags: ['relay'], summary: "A user's id by username", params: z.object({ username: z.string() }), response: { 200: z.object({ user_id: z.string(), username: z.string() }), 404: errorSchema, ...authErrors } },
    handler: async (req) => {
      const a = await ctx.db.kysely.selectFrom('relay_accounts').select(['id', 'username']).where('username', '=', req.params.username).executeTakeFirst();
      if (!a) throw new HttpError(404, 'not_found', `no user "${req.params.username}"`);
      return { user_id: a.id, username: a.username };
    },
  });
  app.get('/relay/v1/whois/:id', {
    config: { access: { relayUsers: true } },
    schema: { tags: ['relay'], summary: "A user's username by id", params: z.object({ id: z.string() }), response: { 200: z.object({ user_id: z.string(), username: z.string() }), 404: errorSchema, ...authErrors } },
    handler: async (req) => {
      const a = await ctx.db.kysely.selectFrom('relay_accounts').select(['id', 'username']).where('id', '=', req.params.id).executeTakeFirst();
      if (!a) throw new HttpError(404, 'not_found', `no user ${req.params.id}`);
      return { user_id: a.id, username: a.username };
    },
  });
  app.put('/relay/v1/profile', {
    config: { access: { relayUsers: true } },
    schema: { tags: ['relay'], summary: 'Edit the public profile (display name, bio, avatar URL)', body: z.object({ display_name: z.string().max(200).optional(), bio: z.string().max(2000).optional(), avatar_url: z.string().url().optional() }).strict(), response: { 200: z.object({ updated: z.literal(true) }), ...authErrors } },
    handler: async (req) => {
      const me = relayUserOf(req.principal);
      const b = req.body;
      await profileEvent(ctx, 'account.updated', { id: me.accountId, username: me.username, ...(b.display_name !== undefined ? { display_name: b.display_name } : {}), ...(b.bio !== undefined ? { bio: b.bio } : {}), ...(b.avatar_url ? { avatar: { url: b.avatar_url } } : {}), ip: req.ip }, `relay:${me.accountId}:profile:${Date.now()}`);
      return { updated: true as const };
    },
  });
};
export default route;
