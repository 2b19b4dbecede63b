// The reference messenger's relay, a platform like any other: its own storage, events into the safety
// service through `POST /v1/events`, decisions back through signed webhooks. `createRelay` gives a Fastify
// plugin, so `vigil serve` can mount it beside the safety service for the demo and `vigil relay` can run it
// alone; either way it reaches the safety service only over HTTP.
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { deviceAccount } from './accounts.ts';
import type { RelayContext } from './context.ts';
import { errorBody, handleRelayError } from './errors.ts';
import type { RelayApp } from './http.ts';
import { resolveOptions, type RelayOptions } from './options.ts';
import { Outbox, queueEvents } from './outbox.ts';
import { relayLimiters } from './rate-limit.ts';
import { SafetyClient } from './safety-client.ts';
import { TtlCache } from './cache.ts';
import { QueueWriter } from './delivery.ts';
import { startSweeping } from './housekeeping.ts';
import { RelayHub } from './hub.ts';
import { openStore, type StoreOptions } from './store.ts';
import accounts from './routes/accounts.ts';
import groups from './routes/groups.ts';
import messages from './routes/messages.ts';
import blobsReports from './routes/blobs-reports.ts';
import psi from './routes/psi.ts';
import webhooks from './routes/webhooks.ts';

export { relayKeysFrom, newRelayKeysConfig, type RelayKeys, type RelayKeysConfig } from './keys.ts';
export { DEFAULT_LIMITS, type RelayOptions, type RelayLimits } from './options.ts';
export { verifySignature } from './webhooks.ts';
export type { RelayContext } from './context.ts';

export const ROUTES = [accounts, groups, messages, blobsReports, psi, webhooks];

export interface Relay {
  ctx: RelayContext;
  /** Registers the relay's routes (under /relay/v1) in their own encapsulated context. */
  plugin: FastifyPluginAsync;
  /** Starts the loop that sends queued events to the safety service. */
  start(): void;
  close(): Promise<void>;
}

export async function createRelay(options: RelayOptions & StoreOptions): Promise<Relay> {
  const o = resolveOptions(options);
  const store = await openStore(options);
  const safety = new SafetyClient(o.safety.url, o.safety.apiKey);
  const now = () => o.clock.now();
  const ctx = {
    o,
    db: store.db,
    dialect: store.dialect,
    safety,
    now,
    limiters: relayLimiters({}),
    cache: {
      devices: new TtlCache(o.cacheTtlMs),
      groupOf: new TtlCache(o.cacheTtlMs),
      takenDown: new TtlCache(o.cacheTtlMs),
    },
    queue: new QueueWriter(store.db),
    emit: (trx, events) => queueEvents(trx, events, now()),
  } as RelayContext;
  ctx.outbox = new Outbox(store.db, safety, o.log, now, o.outboxPollMs);
  ctx.hub = new RelayHub(store.db, o.socketPollMs, now, o.log);

  const plugin: FastifyPluginAsync = async (parent) => {
    const app = parent as unknown as RelayApp;
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(handleRelayError);
    app.decorateRequest('relayUser', null);
    app.addHook('onRequest', async (req, reply) => {
      if (!req.routeOptions.config.relayUsers) return;
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer vd_') ? auth.slice(7).trim() : null;
      const user = token ? await ctx.cache.devices.get(token, () => deviceAccount(store.db, token, now())) : null;
      if (!user)
        return reply
          .status(401)
          .send(
            errorBody(
              'unauthenticated',
              'sign in to the relay: Authorization: Bearer vd_… (unknown tokens and banned or suspended accounts are refused)',
            ),
          );
      req.relayUser = user;
    });
    for (const r of ROUTES) r(app, ctx);
  };

  let stopSweeping: (() => void) | undefined;
  return {
    ctx,
    plugin,
    start: () => {
      ctx.outbox.start();
      void ctx.outbox.kick();
      stopSweeping ??= startSweeping(store.db, now, o.log);
    },
    close: async () => {
      stopSweeping?.();
      ctx.hub.stop();
      await ctx.outbox.stop();
      await store.close();
    },
  };
}

/** A relay in a process of its own (`vigil relay`): its own HTTP server. */
export async function startRelayServer(
  options: RelayOptions & StoreOptions & { host?: string; port?: number; trustProxy?: boolean | string },
): Promise<{ relay: Relay; app: FastifyInstance; url: string; close(): Promise<void> }> {
  const relay = await createRelay(options);
  const app = Fastify({
    loggerInstance: options.log,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 2 * 1024 * 1024,
  });
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: relay.ctx.o.maxBlobBytes },
    (_req, body, done) => done(null, body),
  );
  app.get('/healthz', async () => ({ ok: true }));
  // Ready when its own database answers (the safety service may be away: events wait in the outbox).
  app.get('/readyz', async (_req, reply) => {
    try {
      await relay.ctx.db.selectFrom('messenger_accounts').select('id').limit(1).execute();
      return { ready: true };
    } catch (e) {
      return reply.status(503).send({ ready: false, error: (e as Error).message });
    }
  });
  await app.register(relay.plugin);
  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  relay.start();
  return {
    relay,
    app: app as unknown as FastifyInstance,
    url,
    close: async () => {
      await app.close();
      await relay.close();
    },
  };
}
