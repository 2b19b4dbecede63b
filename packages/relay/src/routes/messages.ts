import { z } from 'zod';
import { authErrors, errorSchema, userOf, type RelayRoute } from '../http.ts';
import { RelayError } from '../errors.ts';
import { stampDelivery } from '@vigil/crypto/report';
import { applicationHeader, decodeKeyPackage, isLastResort, keyPackageUser } from '../mls.ts';
import { nativeRelayPrimitives } from '../native-crypto.ts';
import { groupTakenDown } from '../enforcement.ts';
import { acknowledge, pending } from '../delivery.ts';
import { attachRelaySocket, SOCKET_PATH, SUBPROTOCOL } from '../socket.ts';

/**
 * The relay: a key-package directory, and delivery of MLS ciphertexts through per-recipient queues
 * kept in the database (a restart loses nothing accepted), at least once, de-duplicated by envelope
 * id, removed when the recipient acknowledges them: pushed over a WebSocket (relay/socket.ts) or
 * long-polled. Application messages get the reporting tag and source stamp; the relay never sees
 * plaintext.
 */
const route: RelayRoute = (app, ctx) => {
  const db = ctx.db;
  const limits = ctx.o.limits;
  const limiters = ctx.limiters;
  /** A published key package must be an MLS key package of the publishing account (and say whether it is last-resort). */
  function checkKeyPackage(data: string, accountId: string, lastResort: boolean) {
    let kp;
    try {
      kp = decodeKeyPackage(Buffer.from(data, 'base64'));
    } catch {
      throw new RelayError(
        400,
        'invalid_key_package',
        'not an MLS key package (base64 of an MLSMessage with wire format mls_key_package)',
      );
    }
    if (keyPackageUser(kp) !== accountId)
      throw new RelayError(
        400,
        'invalid_key_package',
        "a key package's credential must name the account publishing it",
      );
    if (isLastResort(kp) !== lastResort)
      throw new RelayError(
        400,
        'invalid_key_package',
        lastResort
          ? 'the last-resort package must carry the last_resort extension'
          : 'a one-time package must not carry the last_resort extension',
      );
  }
  app.post('/relay/v1/key-packages', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary:
        'Publish key packages: one-time ones, and the last-resort one (RFC 9420 §16.8) that replaces the previous',
      body: z
        .object({
          key_packages: z.array(z.string().max(20_000)).max(100),
          last_resort: z.string().max(20_000).optional(),
        })
        .strict(),
      response: { 200: z.object({ stored: z.number() }), 400: errorSchema, 429: errorSchema, ...authErrors },
    },
    handler: async (req) => {
      const u = userOf(req);
      const b = req.body;
      if (!b.key_packages.length && !b.last_resort)
        throw new RelayError(400, 'invalid_request', 'send key_packages, last_resort, or both');
      for (const kp of b.key_packages) checkKeyPackage(kp, u.accountId, false);
      if (b.last_resort) checkKeyPackage(b.last_resort, u.accountId, true);
      const now = ctx.now().toISOString();
      return db.transaction().execute(async (trx) => {
        const held = await trx
          .selectFrom('messenger_key_packages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('account_id', '=', u.accountId)
          .where('last_resort', '=', 0)
          .executeTakeFirstOrThrow();
        if (Number(held.n) + b.key_packages.length > limits.keyPackagesPerAccount)
          throw new RelayError(
            429,
            'quota_exceeded',
            `the directory holds at most ${limits.keyPackagesPerAccount} one-time key packages per account (${Number(held.n)} held); publish more when they are used`,
            { retry_after_s: 3600 },
            { 'retry-after': '3600' },
          );
        if (b.key_packages.length)
          await trx
            .insertInto('messenger_key_packages')
            .values(b.key_packages.map((data) => ({ account_id: u.accountId, data, created_at: now })))
            .execute();
        if (b.last_resort) {
          await trx
            .deleteFrom('messenger_key_packages')
            .where('account_id', '=', u.accountId)
            .where('last_resort', '=', 1)
            .execute();
          await trx
            .insertInto('messenger_key_packages')
            .values({ account_id: u.accountId, data: b.last_resort, created_at: now, last_resort: 1 })
            .execute();
        }
        return { stored: b.key_packages.length + (b.last_resort ? 1 : 0) };
      });
    },
  });
  app.get('/relay/v1/key-packages', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'How many of my one-time key packages the directory still holds (top up when low)',
      response: { 200: z.object({ one_time: z.number(), last_resort: z.boolean() }), ...authErrors },
    },
    handler: async (req) => {
      const u = userOf(req);
      const rows = await db
        .selectFrom('messenger_key_packages')
        .select(['last_resort', (eb) => eb.fn.countAll<number>().as('n')])
        .where('account_id', '=', u.accountId)
        .groupBy('last_resort')
        .execute();
      return {
        one_time: Number(rows.find((r) => Number(r.last_resort) === 0)?.n ?? 0),
        last_resort: rows.some((r) => Number(r.last_resort) === 1),
      };
    },
  });
  app.get('/relay/v1/key-packages/:user', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary:
        "Take one of a user's key packages: a one-time one while any is left, else their last-resort one (which stays)",
      params: z.object({ user: z.string() }),
      response: {
        200: z.object({ key_package: z.string(), last_resort: z.boolean() }),
        404: errorSchema,
        429: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const me = userOf(req);
      // Adding someone takes one package; draining someone takes many: limit both the requester and the pair.
      limiters.perMinute.take(
        `kp:${me.accountId}`,
        limits.keyPackageFetchesPerAccountPerMinute,
        'key package requests from this account',
      );
      limiters.perHour.take(
        `kp:${me.accountId}:${req.params.user}`,
        limits.keyPackageFetchesPerTargetPerHour,
        "requests for this user's key packages",
      );
      return db.transaction().execute(async (trx) => {
        const kp = await trx
          .selectFrom('messenger_key_packages')
          .selectAll()
          .where('account_id', '=', req.params.user)
          .orderBy('last_resort')
          .orderBy('id')
          .limit(1)
          .executeTakeFirst();
        if (!kp) throw new RelayError(404, 'not_found', `no key package for ${req.params.user}`);
        if (Number(kp.last_resort)) return { key_package: kp.data, last_resort: true };
        const gone = await trx.deleteFrom('messenger_key_packages').where('id', '=', kp.id).executeTakeFirst();
        if (Number(gone.numDeletedRows) !== 1)
          throw new RelayError(409, 'conflict', 'key package taken concurrently; try again');
        return { key_package: kp.data, last_resort: false };
      });
    },
  });
  app.post('/relay/v1/messages', {
    config: { relayUsers: true },
    bodyLimit: 2 * 1024 * 1024,
    schema: {
      tags: ['relay'],
      summary: 'Send an MLS message to recipients',
      body: z
        .object({
          id: z.string().min(8).max(100),
          conversation_id: z.string().min(1).max(200),
          kind: z.enum(['welcome', 'commit', 'application']),
          to: z.array(z.string()).min(1).max(5000),
          data: z.string().max(2_000_000),
          expires_at: z.number().int().optional(),
        })
        .strict(),
      response: {
        202: z.object({ queued: z.number() }),
        400: errorSchema,
        410: errorSchema,
        429: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const u = userOf(req);
      limiters.perMinute.take(`send:${u.accountId}`, limits.sendsPerAccountPerMinute, 'messages from this account');
      const b = req.body;
      const group = await ctx.cache.groupOf.get(
        b.conversation_id,
        async () =>
          (
            await db
              .selectFrom('messenger_groups')
              .select('id')
              .where('conversation_id', '=', b.conversation_id)
              .executeTakeFirst()
          )?.id ?? null,
      );
      if (group && (await ctx.cache.takenDown.get(group, () => groupTakenDown(db, group, ctx.now()))))
        throw new RelayError(410, 'gone', 'this group was removed; it no longer relays messages');
      let stamps: Map<string, unknown> | null = null;
      if (b.kind === 'application') {
        const k = ctx.o.keys;
        const src = k.source.get(k.activeSource)!;
        if (!src.signSecret) throw new RelayError(500, 'relay_keys', 'the relay has no source signing key configured');
        try {
          const { epoch, authenticatedData } = applicationHeader(Buffer.from(b.data, 'base64'));
          stamps = stampDelivery(
            {
              franking: { keyId: k.activeFranking, key: k.franking.get(k.activeFranking)! },
              source: { keyId: k.activeSource, encKey: src.encKey, signSecret: src.signSecret },
              primitives: nativeRelayPrimitives,
            },
            {
              conversationId: b.conversation_id,
              senderId: u.accountId,
              messageId: b.id,
              epoch,
              authenticatedData,
              now: ctx.now().getTime(),
              recipients: b.to,
            },
          );
        } catch (e) {
          throw new RelayError(400, 'invalid_request', `not a Vigil application message: ${(e as Error).message}`);
        }
      }
      const now = ctx.now().toISOString();
      // Each recipient's copy carries its own stamp: the reporting tag binds who it was delivered to.
      const rows = b.to.map((recipient) => ({
        recipient,
        envelope_id: b.id,
        conversation_id: b.conversation_id,
        kind: b.kind,
        sender: u.accountId,
        data: b.data,
        stamp: stamps ? JSON.stringify(stamps.get(recipient)) : null,
        expires_at: b.expires_at ? new Date(b.expires_at).toISOString() : null,
        created_at: now,
      }));
      const queued = await ctx.queue.write(rows);
      ctx.hub.notify(b.to);
      return reply.status(202).send({ queued });
    },
  });
  app.get('/relay/v1/messages', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'Waiting messages (long poll up to `wait` seconds); acknowledge them to remove them',
      querystring: z.object({
        wait: z.coerce.number().min(0).max(30).default(0),
        limit: z.coerce.number().int().min(1).max(1000).default(500),
      }),
      response: { ...authErrors },
    },
    handler: async (req) => {
      const u = userOf(req);
      const deadline = Date.now() + req.query.wait * 1000;
      for (;;) {
        const { messages } = await pending(db, ctx.now(), u.accountId, { limit: req.query.limit });
        if (messages.length || Date.now() >= deadline) return { messages } as never;
        await new Promise((r) => setTimeout(r, 150));
      }
    },
  });
  app.get(SOCKET_PATH, {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'WebSocket delivery (upgrade only)',
      description: `Open a WebSocket here (subprotocol \`${SUBPROTOCOL}\`; the device token as \`Authorization: Bearer vd_…\` or as a second subprotocol \`vigil.token.vd_…\`). The relay pushes \`{"type":"messages","messages":[…]}\` (envelopes as in GET /relay/v1/messages) as they arrive; send \`{"type":"ack","ids":[…]}\` after processing. Unacknowledged envelopes are pushed again on the next connection. A plain GET gets 426.`,
      response: { 426: errorSchema, ...authErrors },
    },
    handler: async (_req, reply) =>
      reply
        .status(426)
        .header('upgrade', 'websocket')
        .send({ error: { code: 'upgrade_required', message: `open a WebSocket (subprotocol ${SUBPROTOCOL})` } }),
  });
  attachRelaySocket(app, ctx);
  app.post('/relay/v1/messages/ack', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'Acknowledge delivered messages (they are deleted)',
      body: z.object({ ids: z.array(z.string()).min(1).max(1000) }).strict(),
      response: { 200: z.object({ removed: z.number() }), ...authErrors },
    },
    handler: async (req) => {
      const u = userOf(req);
      return { removed: await acknowledge(db, u.accountId, req.body.ids) };
    },
  });
};
export default route;
