import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { authErrors, errorSchema, relayUserOf, type RouteModule } from '../../http/route.ts';
import { HttpError } from '../../http/errors.ts';
import { iso } from '../../util/time.ts';
import { ingestEvents, validateEvents } from '../../ingest/ingest.ts';
import type { AppContext } from '../../context.ts';

async function emit(ctx: AppContext, events: Record<string, unknown>[]) {
  await ingestEvents(ctx.db.kysely, ctx.cfg.relay.platform, validateEvents(events.map((e) => ({ occurred_at: ctx.clock.now().toISOString(), ...e }))), ctx.clock);
  ctx.jobsAdded();
}

/**
 * Groups' public metadata — name, description, photo, invite links — is what the service may see:
 * each change is an event for Vigil's detection. Joining by link asks the group's owner (whose client
 * adds the joiner to the MLS group) through a `join` envelope.
 */
const route: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const meta = z.object({ name: z.string().min(1).max(200).optional(), description: z.string().max(2000).optional(), photo_url: z.string().url().optional() }).strict();
  app.post('/relay/v1/groups', {
    config: { access: { relayUsers: true } },
    schema: { tags: ['relay'], summary: 'Publish a group (its public metadata) for an MLS conversation', body: meta.extend({ conversation_id: z.string().min(1).max(200), name: z.string().min(1).max(200) }).strict(), response: { 201: z.object({ group_id: z.string() }), 409: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const u = relayUserOf(req.principal);
      const id = `g-${randomBytes(8).toString('hex')}`;
      if (await db.selectFrom('relay_groups').select('id').where('conversation_id', '=', req.body.conversation_id).executeTakeFirst()) throw new HttpError(409, 'conflict', 'this conversation already has a group');
      await db.insertInto('relay_groups').values({ id, conversation_id: req.body.conversation_id, owner: u.accountId, created_at: iso(ctx.clock.now()) }).execute();
      await emit(ctx, [{ id: `relay:${id}:created`, type: 'group.created', actor_id: u.accountId, group: { id, name: req.body.name, ...(req.body.description ? { description: req.body.description } : {}), ...(req.body.photo_url ? { avatar: { url: req.body.photo_url } } : {}), member_count: 1 } }]);
      return reply.status(201).send({ group_id: id });
    },
  });
  app.patch('/relay/v1/groups/:id', {
    config: { access: { relayUsers: true } },
    schema: { tags: ['relay'], summary: "Change a group's name, description or photo (owner)", params: z.object({ id: z.string() }), body: meta, response: { 200: z.object({ updated: z.literal(true) }), 404: errorSchema, ...authErrors } },
    handler: async (req) => {
      const u = relayUserOf(req.principal);
      const g = await db.selectFrom('relay_groups').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!g) throw new HttpError(404, 'not_found', 'no such group');
      if (g.owner !== u.accountId) throw new HttpError(403, 'forbidden', 'only the owner changes the group');
      const b = req.body;
      await emit(ctx, [{ id: `relay:${g.id}:updated:${Date.now()}`, type: 'group.updated', actor_id: u.accountId, group: { id: g.id, ...(b.name ? { name: b.name } : {}), ...(b.description !== undefined ? { description: b.description } : {}), ...(b.photo_url ? { avatar: { url: b.photo_url } } : {}) } }]);
      return { updated: true as const };
    },
  });
  app.post('/relay/v1/groups/:id/invites', {
    config: { access: { relayUsers: true } },
    schema: { tags: ['relay'], summary: 'Create an invite link', params: z.object({ id: z.string() }), response: { 201: z.object({ code: z.string(), link: z.string() }), 404: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const u = relayUserOf(req.principal);
      const g = await db.selectFrom('relay_groups').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!g) throw new HttpError(404, 'not_found', 'no such group');
      const code = randomBytes(9).toString('base64url');
      await db.insertInto('relay_invites').values({ code, group_id: g.id, created_by: u.accountId, created_at: iso(ctx.clock.now()) }).execute();
      const link = `vigil://join/${code}`;
      await emit(ctx, [{ id: `relay:invite:${code}`, type: 'invite.created', actor_id: u.accountId, invite: { link, group_id: g.id, created_by: u.accountId } }]);
      return reply.status(201).send({ code, link });
    },
  });
  app.post('/relay/v1/join/:code', {
    config: { access: { relayUsers: true } },
    schema: { tags: ['relay'], summary: 'Join a group by invite link (the owner adds you to the MLS group)', params: z.object({ code: z.string() }), response: { 202: z.object({ group_id: z.string(), conversation_id: z.string() }), 404: errorSchema, 410: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      const u = relayUserOf(req.principal);
      const inv = await db.selectFrom('relay_invites').innerJoin('relay_groups', 'relay_groups.id', 'relay_invites.group_id').select(['relay_groups.id', 'relay_groups.conversation_id', 'relay_groups.owner']).where('relay_invites.code', '=', req.params.code).executeTakeFirst();
      if (!inv) throw new HttpError(404, 'not_found', 'no such invite link');
      if (await groupTakenDown(ctx, inv.id)) throw new HttpError(410, 'gone', 'this group was removed');
      await db.insertInto('relay_queue').values({ recipient: inv.owner, envelope_id: `join-${inv.id}-${u.accountId}`, conversation_id: inv.conversation_id, kind: 'join', sender: u.accountId, data: '', stamp: null, expires_at: null, created_at: iso(ctx.clock.now()) }).onConflict((oc) => oc.columns(['recipient', 'envelope_id']).doNothing()).execute();
      await emit(ctx, [{ id: `relay:join:${inv.id}:${u.accountId}`, type: 'group.member_joined', actor_id: u.accountId, group_id: inv.id, account_id: u.accountId, invite_link: `vigil://join/${req.params.code}` }]);
      return reply.status(202).send({ group_id: inv.id, conversation_id: inv.conversation_id });
    },
  });
};

/** A group Vigil took down (an active takedown_group action) stops relaying. */
export async function groupTakenDown(ctx: AppContext, groupId: string): Promise<boolean> {
  return !!(await ctx.db.kysely.selectFrom('enforcement_actions').select('id').where('platform', '=', ctx.cfg.relay.platform).where('subject_type', '=', 'group').where('subject_id', '=', groupId).where('action', '=', 'takedown_group').where('status', '=', 'active').executeTakeFirst());
}

export default route;
