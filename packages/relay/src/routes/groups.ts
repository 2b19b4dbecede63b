import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { authErrors, errorSchema, userOf, type RelayRoute } from '../http.ts';
import { RelayError } from '../errors.ts';
import { groupTakenDown, restricted } from '../enforcement.ts';

/**
 * Groups' public metadata — name, description, photo, invite links — is what the service may see: each change
 * is an event for Vigil's detection. Joining by link asks the group's owner (whose client adds the joiner to the
 * MLS group) through a `join` envelope. A group taken down, revoked invite links and restricted accounts are
 * refused here, from the decisions the relay received by webhook.
 */
const route: RelayRoute = (app, ctx) => {
  const db = ctx.db;
  const meta = z
    .object({
      name: z.string().min(1).max(200).optional(),
      description: z.string().max(2000).optional(),
      photo_url: z.string().url().optional(),
    })
    .strict();
  const refuseRestricted = async (accountId: string, what: string) => {
    if (await restricted(db, accountId, ctx.now()))
      throw new RelayError(403, 'restricted', `this account is restricted: it cannot ${what}`);
  };
  app.post('/relay/v1/groups', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'Publish a group (its public metadata) for an MLS conversation',
      body: meta.extend({ conversation_id: z.string().min(1).max(200), name: z.string().min(1).max(200) }).strict(),
      response: { 201: z.object({ group_id: z.string() }), 403: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const u = userOf(req);
      await refuseRestricted(u.accountId, 'create groups');
      const b = req.body;
      const id = `g-${randomBytes(8).toString('hex')}`;
      await db.transaction().execute(async (trx) => {
        if (
          await trx
            .selectFrom('messenger_groups')
            .select('id')
            .where('conversation_id', '=', b.conversation_id)
            .executeTakeFirst()
        )
          throw new RelayError(409, 'conflict', 'this conversation already has a group');
        await trx
          .insertInto('messenger_groups')
          .values({
            id,
            conversation_id: b.conversation_id,
            owner: u.accountId,
            name: b.name,
            description: b.description ?? null,
            photo_url: b.photo_url ?? null,
            created_at: ctx.now().toISOString(),
          })
          .execute();
        await ctx.emit(trx, [
          {
            id: `relay:${id}:created`,
            type: 'group.created',
            actor_id: u.accountId,
            group: {
              id,
              name: b.name,
              ...(b.description ? { description: b.description } : {}),
              ...(b.photo_url ? { avatar: { url: b.photo_url } } : {}),
              member_count: 1,
            },
          },
        ]);
      });
      ctx.cache.groupOf.delete(b.conversation_id); // the conversation had no group a moment ago
      ctx.outbox.kick();
      return reply.status(201).send({ group_id: id });
    },
  });
  app.get('/relay/v1/groups/:id', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: "A group's public metadata",
      params: z.object({ id: z.string() }),
      response: {
        200: z.object({
          group_id: z.string(),
          conversation_id: z.string(),
          owner: z.string(),
          name: z.string().nullable(),
          description: z.string().nullable(),
          photo_url: z.string().nullable(),
        }),
        404: errorSchema,
        410: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      userOf(req);
      const g = await db.selectFrom('messenger_groups').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!g) throw new RelayError(404, 'not_found', 'no such group');
      if (await groupTakenDown(db, g.id, ctx.now())) throw new RelayError(410, 'gone', 'this group was removed');
      return {
        group_id: g.id,
        conversation_id: g.conversation_id,
        owner: g.owner,
        name: g.name,
        description: g.description,
        photo_url: g.photo_url,
      };
    },
  });
  app.patch('/relay/v1/groups/:id', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: "Change a group's name, description or photo (owner)",
      params: z.object({ id: z.string() }),
      body: meta,
      response: {
        200: z.object({ updated: z.literal(true) }),
        403: errorSchema,
        404: errorSchema,
        410: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const u = userOf(req);
      const g = await db.selectFrom('messenger_groups').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!g) throw new RelayError(404, 'not_found', 'no such group');
      if (g.owner !== u.accountId) throw new RelayError(403, 'forbidden', 'only the owner changes the group');
      if (await groupTakenDown(db, g.id, ctx.now())) throw new RelayError(410, 'gone', 'this group was removed');
      const b = req.body;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('messenger_groups')
          .set({
            ...(b.name ? { name: b.name } : {}),
            ...(b.description !== undefined ? { description: b.description } : {}),
            ...(b.photo_url ? { photo_url: b.photo_url } : {}),
          })
          .where('id', '=', g.id)
          .execute();
        await ctx.emit(trx, [
          {
            id: `relay:${g.id}:updated:${ctx.now().getTime()}:${randomBytes(3).toString('hex')}`,
            type: 'group.updated',
            actor_id: u.accountId,
            group: {
              id: g.id,
              ...(b.name ? { name: b.name } : {}),
              ...(b.description !== undefined ? { description: b.description } : {}),
              ...(b.photo_url ? { avatar: { url: b.photo_url } } : {}),
            },
          },
        ]);
      });
      ctx.outbox.kick();
      return { updated: true as const };
    },
  });
  app.post('/relay/v1/groups/:id/invites', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'Create an invite link',
      params: z.object({ id: z.string() }),
      response: {
        201: z.object({ code: z.string(), link: z.string() }),
        403: errorSchema,
        404: errorSchema,
        410: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const u = userOf(req);
      await refuseRestricted(u.accountId, 'create invite links');
      const g = await db.selectFrom('messenger_groups').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!g) throw new RelayError(404, 'not_found', 'no such group');
      if (await groupTakenDown(db, g.id, ctx.now())) throw new RelayError(410, 'gone', 'this group was removed');
      const code = randomBytes(9).toString('base64url');
      const link = `vigil://join/${code}`;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('messenger_invites')
          .values({
            code,
            group_id: g.id,
            created_by: u.accountId,
            created_at: ctx.now().toISOString(),
            revoked_at: null,
          })
          .execute();
        await ctx.emit(trx, [
          {
            id: `relay:invite:${code}`,
            type: 'invite.created',
            actor_id: u.accountId,
            invite: { link, group_id: g.id, created_by: u.accountId },
          },
        ]);
      });
      ctx.outbox.kick();
      return reply.status(201).send({ code, link });
    },
  });
  app.post('/relay/v1/join/:code', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'Join a group by invite link (the owner adds you to the MLS group)',
      params: z.object({ code: z.string() }),
      response: {
        202: z.object({ group_id: z.string(), conversation_id: z.string() }),
        403: errorSchema,
        404: errorSchema,
        410: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const u = userOf(req);
      await refuseRestricted(u.accountId, 'join groups by link');
      const inv = await db
        .selectFrom('messenger_invites')
        .innerJoin('messenger_groups', 'messenger_groups.id', 'messenger_invites.group_id')
        .select([
          'messenger_groups.id',
          'messenger_groups.conversation_id',
          'messenger_groups.owner',
          'messenger_invites.revoked_at',
        ])
        .where('messenger_invites.code', '=', req.params.code)
        .executeTakeFirst();
      if (!inv) throw new RelayError(404, 'not_found', 'no such invite link');
      if (await groupTakenDown(db, inv.id, ctx.now())) throw new RelayError(410, 'gone', 'this group was removed');
      if (inv.revoked_at) throw new RelayError(410, 'gone', 'this invite link was revoked');
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('messenger_queue')
          .values({
            recipient: inv.owner,
            envelope_id: `join-${inv.id}-${u.accountId}`,
            conversation_id: inv.conversation_id,
            kind: 'join',
            sender: u.accountId,
            data: '',
            stamp: null,
            expires_at: null,
            created_at: ctx.now().toISOString(),
          })
          .onConflict((oc) => oc.columns(['recipient', 'envelope_id']).doNothing())
          .execute();
        await ctx.emit(trx, [
          {
            id: `relay:join:${inv.id}:${u.accountId}`,
            type: 'group.member_joined',
            actor_id: u.accountId,
            group_id: inv.id,
            account_id: u.accountId,
            invite_link: `vigil://join/${req.params.code}`,
          },
        ]);
      });
      ctx.hub.notify([inv.owner]);
      ctx.outbox.kick();
      return reply.status(202).send({ group_id: inv.id, conversation_id: inv.conversation_id });
    },
  });
};
export default route;
