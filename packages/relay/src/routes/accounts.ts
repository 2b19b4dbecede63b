import { z } from 'zod';
import { authErrors, errorSchema, userOf, type RelayRoute } from '../http.ts';
import { login, register } from '../accounts.ts';
import { RelayError } from '../errors.ts';

const creds = z.object({ username: z.string(), password: z.string() }).strict();
const session = z.object({ user_id: z.string(), token: z.string() });
const profile = z.object({
  user_id: z.string(),
  username: z.string(),
  display_name: z.string().nullable(),
  avatar_url: z.string().nullable(),
});

/**
 * The messenger's accounts: register, sign in (a device token), edit the profile. Profiles are unencrypted
 * surfaces: each change is sent to the safety service as a platform event, and its decisions (photo removed,
 * name reset) come back by webhook and change what the relay shows.
 */
const route: RelayRoute = (app, ctx) => {
  const db = ctx.db;
  app.get('/relay/v1/info', {
    schema: {
      tags: ['relay'],
      summary: "The relay's public source-record keys (clients verify source records with them)",
      response: { 200: z.object({ source_keys: z.record(z.string(), z.string()) }) },
    },
    handler: async () => ({
      source_keys: Object.fromEntries(
        [...ctx.o.keys.source].map(([id, v]) => [id, Buffer.from(v.signPublic).toString('base64')]),
      ),
    }),
  });
  app.post('/relay/v1/accounts', {
    schema: {
      tags: ['relay'],
      summary: 'Register (username and password; no phone number)',
      body: creds,
      response: { 201: session, 400: errorSchema, 409: errorSchema, 429: errorSchema },
    },
    handler: async (req, reply) => {
      ctx.limiters.perHour.take(
        `register:${req.ip}`,
        ctx.o.limits.registrationsPerAddressPerHour,
        'registrations from this address',
      );
      const r = await db.transaction().execute(async (trx) => {
        const r = await register(trx, req.body.username, req.body.password, ctx.now());
        await ctx.emit(trx, [
          {
            id: `relay:${r.userId}:created`,
            type: 'account.created',
            account: { id: r.userId, username: req.body.username, ip: req.ip },
          },
        ]);
        return r;
      });
      ctx.outbox.kick();
      return reply.status(201).send({ user_id: r.userId, token: r.token });
    },
  });
  app.post('/relay/v1/sessions', {
    schema: {
      tags: ['relay'],
      summary: 'Sign in: a new device token (refused for banned or suspended accounts)',
      body: creds,
      response: { 200: session, 401: errorSchema, 403: errorSchema },
    },
    handler: async (req) => {
      const r = await login(db, req.body.username, req.body.password, ctx.now());
      return { user_id: r.userId, token: r.token };
    },
  });
  const show = (a: { id: string; username: string; display_name: string | null; avatar_url: string | null }) => ({
    user_id: a.id,
    username: a.username,
    display_name: a.display_name,
    avatar_url: a.avatar_url,
  });
  app.get('/relay/v1/users/:username', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: "A user's id and public profile by username",
      params: z.object({ username: z.string() }),
      response: { 200: profile, 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      userOf(req);
      const a = await db
        .selectFrom('messenger_accounts')
        .select(['id', 'username', 'display_name', 'avatar_url'])
        .where('username', '=', req.params.username)
        .executeTakeFirst();
      if (!a) throw new RelayError(404, 'not_found', `no user "${req.params.username}"`);
      return show(a);
    },
  });
  app.get('/relay/v1/whois/:id', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: "A user's username and public profile by id",
      params: z.object({ id: z.string() }),
      response: { 200: profile, 404: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      userOf(req);
      const a = await db
        .selectFrom('messenger_accounts')
        .select(['id', 'username', 'display_name', 'avatar_url'])
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!a) throw new RelayError(404, 'not_found', `no user ${req.params.id}`);
      return show(a);
    },
  });
  app.put('/relay/v1/profile', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'Edit the public profile (display name, bio, avatar URL)',
      body: z
        .object({
          display_name: z.string().max(200).optional(),
          bio: z.string().max(2000).optional(),
          avatar_url: z.string().url().optional(),
        })
        .strict(),
      response: { 200: z.object({ updated: z.literal(true) }), ...authErrors },
    },
    handler: async (req) => {
      const me = userOf(req);
      const b = req.body;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('messenger_accounts')
          .set({
            ...(b.display_name !== undefined ? { display_name: b.display_name } : {}),
            ...(b.bio !== undefined ? { bio: b.bio } : {}),
            ...(b.avatar_url ? { avatar_url: b.avatar_url } : {}),
          })
          .where('id', '=', me.accountId)
          .execute();
        await ctx.emit(trx, [
          {
            id: `relay:${me.accountId}:profile:${ctx.now().getTime()}:${Math.random().toString(36).slice(2, 8)}`,
            type: 'account.updated',
            account: {
              id: me.accountId,
              username: me.username,
              ...(b.display_name !== undefined ? { display_name: b.display_name } : {}),
              ...(b.bio !== undefined ? { bio: b.bio } : {}),
              ...(b.avatar_url ? { avatar: { url: b.avatar_url } } : {}),
              ip: req.ip,
            },
          },
        ]);
      });
      ctx.outbox.kick();
      return { updated: true as const };
    },
  });
};
export default route;
