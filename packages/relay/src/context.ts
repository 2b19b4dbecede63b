// One relay: its storage, options and the parts every route shares.
import type { Kysely } from 'kysely';
import type { RelayDatabase } from './schema.ts';
import type { RelayDialect } from './store.ts';
import type { ResolvedOptions } from './options.ts';
import type { RelayHub } from './socket.ts';
import type { RelayLimiters } from './rate-limit.ts';
import type { Outbox, PlatformEvent } from './outbox.ts';
import type { SafetyClient } from './safety-client.ts';

export interface RelayContext {
  o: ResolvedOptions;
  db: Kysely<RelayDatabase>;
  dialect: RelayDialect;
  hub: RelayHub;
  limiters: RelayLimiters;
  outbox: Outbox;
  safety: SafetyClient;
  now(): Date;
  /** Queues platform events with the change they describe (pass the transaction), then sends them at once. */
  emit(trx: Kysely<RelayDatabase>, events: PlatformEvent[]): Promise<void>;
}
