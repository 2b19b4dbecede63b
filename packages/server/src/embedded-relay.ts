// `vigil serve` runs the reference messenger's relay beside the safety service (the demo, a small setup). It is
// wired exactly as a relay on another machine would be: a platform API key for `POST /v1/events`, a webhook
// endpoint for decisions, its own database. Only the network is loopback. The credentials are created once
// and kept owner-only in the data directory, like the other keys a laptop demo makes for itself.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRelay, relayKeysFrom, type Relay } from '@vigil/relay';
import type { AppContext } from './context.ts';
import { createApiKey } from './auth/api-keys.ts';
import { createWebhookEndpoint, repointWebhookEndpoint } from './webhooks/endpoints.ts';
import { relayKeys } from './reports/index.ts';
import { writeSecretFileOnce } from './util/file-perms.ts';

export const RELAY_WEBHOOK_PATH = '/relay/v1/webhooks/vigil';
const EVENTS = 'enforcement.action,enforcement.reversed,psi.opened';

interface Credentials {
  api_key: string;
  api_key_id: number;
  webhook_endpoint_id: number;
  webhook_secret: string;
}

export interface EmbeddedRelay {
  relay: Relay;
  /** Once the server listens: points the relay at it and the webhook endpoint at the relay, then starts it. */
  connect(serverUrl: string): Promise<void>;
}

async function credentials(ctx: AppContext): Promise<Credentials> {
  const db = ctx.db.kysely;
  const file = join(ctx.cfg.dataDir, 'embedded-relay.json');
  if (existsSync(file)) {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Credentials;
    const key = await db.selectFrom('api_keys').select('revoked_at').where('id', '=', c.api_key_id).executeTakeFirst();
    const hook = await db
      .selectFrom('webhook_endpoints')
      .select('id')
      .where('id', '=', c.webhook_endpoint_id)
      .executeTakeFirst();
    if (key && !key.revoked_at && hook) return c;
    throw new Error(
      `${file} names an API key or webhook endpoint that was revoked or deleted: delete the file to give the embedded relay new credentials`,
    );
  }
  const key = await createApiKey(
    db,
    {
      name: 'embedded messenger relay',
      platform: ctx.cfg.relay.platform,
      scopes: ['ingest', 'relay'],
      createdBy: null,
      actor: 'system:embedded-relay',
    },
    ctx.clock,
  );
  const { id: hook, secret } = await createWebhookEndpoint(
    db,
    {
      url: `http://127.0.0.1${RELAY_WEBHOOK_PATH}`,
      events: EVENTS.split(','),
      actor: 'system:embedded-relay',
      auditData: { events: EVENTS.split(',') },
    },
    ctx.clock,
  );
  const c: Credentials = { api_key: key.key, api_key_id: key.id, webhook_endpoint_id: hook, webhook_secret: secret };
  writeSecretFileOnce(file, JSON.stringify(c, null, 2));
  return JSON.parse(readFileSync(file, 'utf8')) as Credentials; // another process may have written it first
}

export async function embeddedRelay(ctx: AppContext): Promise<EmbeddedRelay> {
  const c = await credentials(ctx);
  const k = relayKeys(ctx.cfg);
  const r = ctx.cfg.relay;
  const relay = await createRelay({
    database: r.database ?? join(ctx.cfg.dataDir, 'relay.db'),
    safety: { url: 'http://127.0.0.1', apiKey: c.api_key },
    webhookSecret: c.webhook_secret,
    keys: relayKeysFrom({
      frankingKeys: Object.fromEntries([...k.franking].map(([id, v]) => [id, Buffer.from(v).toString('base64')])),
      sourceKeys: Object.fromEntries(
        [...k.source].map(([id, v]) => [
          id,
          {
            enc: Buffer.from(v.encKey).toString('base64'),
            signPublic: Buffer.from(v.signPublic).toString('base64'),
            ...(v.signSecret ? { signSecret: Buffer.from(v.signSecret).toString('base64') } : {}),
          },
        ]),
      ),
    }),
    platform: r.platform,
    log: ctx.log.child({ component: 'relay' }),
    clock: ctx.clock,
    limits: r.limits,
    maxBlobBytes: r.maxBlobBytes,
    blobTtlDays: r.blobTtlDays,
    socketPollMs: r.socketPollMs,
  });
  return {
    relay,
    async connect(serverUrl: string) {
      const base = serverUrl.replace(/\/+$/, '');
      relay.ctx.safety.url = base;
      const url = `${base}${RELAY_WEBHOOK_PATH}`;
      await repointWebhookEndpoint(ctx.db.kysely, c.webhook_endpoint_id, url, EVENTS.split(','));
      // The one loopback target the deliverer may reach without webhooks.allowPrivateTargets: our own relay.
      ctx.trustedWebhookUrls?.add(url);
      relay.start();
    },
  };
}
