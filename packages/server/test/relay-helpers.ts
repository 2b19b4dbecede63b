// The reference messenger in tests, wired as in production: the safety service and the relay as two HTTP
// services on two ports, each with its own database; the relay sends events with a platform API key and
// receives decisions by signed webhook. Users register through the relay with an SDK client each.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { VigilClient, HttpRelayTransport } from '@vigil/sdk';
import { relayKeysFrom, startRelayServer, type Relay } from '@vigil/relay';
import { apiKey, PG_URL, silentLog, type TestApp } from './helpers.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { relayKeys } from '../src/reports/relay-keys.ts';
import { deliverDue, newWebhookSecret } from '../src/webhooks/outbox.ts';
import { RELAY_WEBHOOK_PATH } from '../src/embedded-relay.ts';
import { iso } from '../src/util/time.ts';
import { applyActions, approveAction } from '../src/review/index.ts';

export interface Messenger {
  /** The relay's URL (clients talk to it). */
  base: string;
  /** The safety service's URL. */
  serverUrl: string;
  relay: Relay;
  /** The relay's source-record signing key, as clients get it from /relay/v1/info. */
  relayPublic: Uint8Array;
  webhookSecret: string;
  /** Stops the relay process (open sockets included) and starts a new one on the same database; returns its URL. */
  restart(): Promise<string>;
  user(name: string, o?: { keyPackages?: number }): Promise<{ t: HttpRelayTransport; c: VigilClient; token: string }>;
}

const messengers = new WeakMap<TestApp, { relay: Relay; trusted: Set<string> }>();

/** The relay's keys in configuration form, from the safety service's configured copy (both sides share them). */
function relayKeysOf(ta: TestApp) {
  const k = relayKeys(ta.ctx.cfg);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return {
    frankingKeys: Object.fromEntries([...k.franking].map(([id, v]) => [id, b64(v)])),
    sourceKeys: Object.fromEntries(
      [...k.source].map(([id, v]) => [
        id,
        {
          enc: b64(v.encKey),
          signPublic: b64(v.signPublic),
          ...(v.signSecret ? { signSecret: b64(v.signSecret) } : {}),
        },
      ]),
    ),
  };
}

export async function messenger(ta: TestApp, o: { log?: Logger } = {}): Promise<Messenger> {
  const serverUrl = ta.app.server.listening
    ? `http://127.0.0.1:${(ta.app.server.address() as { port: number }).port}`
    : await ta.app.listen({ port: 0, host: '127.0.0.1' });
  const key = await apiKey(ta, ['ingest', 'relay'], ta.ctx.cfg.relay.platform);
  const webhookSecret = newWebhookSecret();
  const db = ta.ctx.db.kysely;
  const hook = await db
    .insertInto('webhook_endpoints')
    .values({
      url: 'http://127.0.0.1/',
      secret: webhookSecret,
      events: 'enforcement.action,enforcement.reversed,psi.opened',
      enabled: 1,
      created_at: iso(ta.clock.now()),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const start = () =>
    startRelayServer({
      database: ta.t.dialect === 'postgres' ? PG_URL : join(ta.t.dataDir, 'relay.db'),
      pgSchema: ta.t.pgSchema,
      safety: { url: serverUrl, apiKey: key },
      webhookSecret,
      keys: relayKeysFrom(relayKeysOf(ta)),
      platform: ta.ctx.cfg.relay.platform,
      log: o.log ?? silentLog,
      clock: ta.clock,
      limits: ta.ctx.cfg.relay.limits,
      maxBlobBytes: ta.ctx.cfg.relay.maxBlobBytes,
      socketPollMs: ta.ctx.cfg.relay.socketPollMs,
      trustProxy: ta.ctx.cfg.trustProxy || false,
      psiPolicyCacheMs: 0, // tests change the policy between requests
    });
  let r = await start();
  const state = { relay: r.relay, trusted: new Set<string>() };
  const point = async () => {
    const hookUrl = `${r.url}${RELAY_WEBHOOK_PATH}`;
    await db.updateTable('webhook_endpoints').set({ url: hookUrl }).where('id', '=', Number(hook.id)).execute();
    state.relay = r.relay;
    state.trusted.clear();
    state.trusted.add(hookUrl);
  };
  await point();
  messengers.set(ta, state);
  const close = ta.close.bind(ta);
  ta.close = async () => {
    await r.close();
    await close();
  };
  const info = (await (await fetch(`${r.url}/relay/v1/info`)).json()) as { source_keys: Record<string, string> };
  const relayPublic = new Uint8Array(Buffer.from(Object.values(info.source_keys)[0]!, 'base64'));
  return {
    get base() {
      return r.url;
    },
    get relay() {
      return r.relay;
    },
    serverUrl,
    relayPublic,
    webhookSecret,
    async restart() {
      await r.close();
      r = await start();
      await point();
      return r.url;
    },
    async user(name, o = {}) {
      const t = new HttpRelayTransport(r.url, { WebSocket: WebSocket as never });
      await t.register(name, `${name} password 123`);
      const c = new VigilClient(t.userId, t, { relaySourcePublicKey: relayPublic });
      await c.publishKeyPackages(o.keyPackages ?? 3);
      return { t, c, token: t.deviceToken };
    },
  };
}

/**
 * Runs everything between the two services until nothing is left: the relay's queued events reach the safety
 * service, its jobs run (ingest, analysis, report verification…), and its webhooks reach the relay.
 */
export async function runJobs(ta: TestApp): Promise<void> {
  const m = messengers.get(ta);
  const w = new Worker({
    db: ta.ctx.db,
    handlers: jobHandlers(ta.ctx.cfg),
    clock: ta.clock,
    log: silentLog,
    workerId: 'w',
  });
  for (let round = 0; round < 20; round++) {
    let moved = m ? await m.relay.ctx.outbox.drain() : 0;
    let n: number;
    while ((n = await w.runOnce()) > 0) moved += n;
    if (m) {
      const cfg = ta.ctx.cfg.webhooks;
      while (
        (n = await deliverDue({
          db: ta.ctx.db,
          clock: ta.clock,
          log: silentLog,
          maxAttempts: cfg.maxAttempts,
          timeoutMs: cfg.timeoutMs,
          allowPrivate: cfg.allowPrivateTargets,
          trustedUrls: m.trusted,
        })) > 0
      )
        moved += n;
    }
    if (!moved) return;
  }
}

/**
 * A decision recorded the way the console records one (an approval by a second person where the action needs
 * it); the relay learns of it only by webhook, at the next runJobs.
 */
export async function enforce(
  ta: TestApp,
  subject: { type: 'account' | 'group'; id: string },
  action: string,
  params: Record<string, unknown> = {},
): Promise<number> {
  const s = { platform: ta.ctx.cfg.relay.platform, ...subject };
  const [id] = await ta.ctx.db.kysely.transaction().execute((trx) =>
    applyActions(trx, s, [{ action, ...params } as never], {
      staffId: 1,
      reason: 'test decision',
      taskId: null,
      clock: ta.clock,
    }),
  );
  const row = await ta.ctx.db.kysely
    .selectFrom('enforcement_actions')
    .select('status')
    .where('id', '=', id!)
    .executeTakeFirstOrThrow();
  if (row.status === 'pending_approval') await approveAction(ta.ctx.db.kysely, id!, 2, true, 'second look', ta.clock);
  await runJobs(ta);
  return id!;
}
