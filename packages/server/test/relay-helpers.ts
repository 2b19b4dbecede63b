// The reference messenger in tests: the app listening on a free port, users registered through the
// relay's HTTP API with an SDK client each, and a worker run until no job is left.
import { WebSocket } from 'ws';
import { VigilClient, HttpRelayTransport } from '@vigil/sdk';
import { silentLog, type TestApp } from './helpers.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';

export interface Messenger {
  base: string;
  /** The relay's source-record signing key, as clients get it from /relay/v1/info. */
  relayPublic: Uint8Array;
  user(name: string, o?: { keyPackages?: number }): Promise<{ t: HttpRelayTransport; c: VigilClient; token: string }>;
}

export async function messenger(ta: TestApp): Promise<Messenger> {
  const base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
  const info = (await (await fetch(`${base}/relay/v1/info`)).json()) as { source_keys: Record<string, string> };
  const relayPublic = new Uint8Array(Buffer.from(Object.values(info.source_keys)[0]!, 'base64'));
  return {
    base, relayPublic,
    async user(name, o = {}) {
      const t = new HttpRelayTransport(base, { WebSocket: WebSocket as never });
      await t.register(name, `${name} password 123`);
      const c = new VigilClient(t.userId, t, { relaySourcePublicKey: relayPublic });
      await c.publishKeyPackages(o.keyPackages ?? 3);
      return { t, c, token: t.deviceToken };
    },
  };
}

/** Runs queued jobs (ingest, analysis, report verification…) until none is left. */
export async function runJobs(ta: TestApp): Promise<void> {
  const w = new Worker({ db: ta.ctx.db, handlers: jobHandlers(ta.ctx.cfg), clock: ta.clock, log: silentLog, workerId: 'w' });
  while ((await w.runOnce()) > 0);
}
