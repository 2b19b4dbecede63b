// One relay: its storage, options and the parts every route shares.
import type { Kysely } from 'kysely';
import type { RelayDatabase } from './schema.ts';
import type { RelayDialect } from './store.ts';
import type { ResolvedOptions } from './options.ts';
import type { RelayHub } from './hub.ts';
import type { RelayLimiters } from './rate-limit.ts';
import type { Outbox, PlatformEvent } from './outbox.ts';
import type { SafetyClient } from './safety-client.ts';
import type { TtlCache } from './cache.ts';
import type { QueueWriter } from './delivery.ts';
import type { RelayUser } from './relay-user.ts';

export interface RelayContext {
  o: ResolvedOptions;
  db: Kysely<RelayDatabase>;
  dialect: RelayDialect;
  hub: RelayHub;
  limiters: RelayLimiters;
  outbox: Outbox;
  safety: SafetyClient;
  now(): Date;
  /** What every send reads, kept briefly (cache.ts); decisions applied here clear it at once. */
  cache: {
    devices: TtlCache<string, RelayUser | null>;
    groupOf: TtlCache<string, string | null>;
    takenDown: TtlCache<string, boolean>;
  };
  queue: QueueWriter;
  /** Queues platform events with the change they describe (pass the transaction), then sends them at once. */
  emit(trx: Kysely<RelayDatabase>, events: PlatformEvent[]): Promise<void>;
}
