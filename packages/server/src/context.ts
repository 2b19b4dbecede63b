// What every route and daemon gets: configuration, database, clock, logger, and the worker to nudge.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/connect.ts';
import type { Clock } from './util/time.ts';

export interface AppContext {
  cfg: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  /** Called after new jobs commit, to wake idle workers. */
  jobsAdded: () => void;
  // bankIndex (this process's in-memory view of the hash banks) is declared by media/bank-index.ts, which adds
  // it to this interface: the context stays below the domain modules it carries.
  /**
   * Webhook targets the deliverer may reach on loopback without webhooks.allowPrivateTargets: the embedded
   * relay's own endpoint (embedded-relay.ts), which this process put there itself.
   */
  trustedWebhookUrls?: Set<string>;
  /** The event stream (NATS JetStream) when `--stream` is configured; /readyz checks it answers. */
  stream?: { url: string; ping(): Promise<void> };
}
