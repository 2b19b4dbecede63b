// Exchange items: which source item (an NCMEC entry, a ThreatExchange indicator, a peer's entry)
// brought which hash into an exchange's bank. NCMEC withdraws entries by id without repeating
// their fingerprints, and two items may share a hash, so a hash leaves the bank only when no item
// of the exchange still holds it. `gen` marks the full sync an item was last seen in: a refetch
// from scratch (reset or stale checkpoint) sweeps the items it did not see.
import type { Kysely } from 'kysely';
import { bigint, withId } from './columns.ts';
import type { DialectName } from '../connect.ts';

export function exchangeItems(dialect: DialectName) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await withId(db.schema.createTable('exchange_items'), dialect)
        .addColumn('exchange_id', bigint(dialect), (c: any) => c.notNull())
        .addColumn('item', 'text', (c: any) => c.notNull())
        .addColumn('signal_type', 'text', (c: any) => c.notNull())
        .addColumn('value', 'text', (c: any) => c.notNull())
        .addColumn('gen', 'integer', (c: any) => c.notNull())
        .execute();
      await db.schema
        .createIndex('exchange_items_key')
        .unique()
        .on('exchange_items')
        .columns(['exchange_id', 'item', 'signal_type', 'value'])
        .execute();
      await db.schema
        .createIndex('exchange_items_hash')
        .on('exchange_items')
        .columns(['exchange_id', 'signal_type', 'value'])
        .execute();
      await db.schema.createIndex('exchange_items_gen').on('exchange_items').columns(['exchange_id', 'gen']).execute();
      // sync_gen: the current full sync; full_sync = 1 while a refetch from scratch is under way
      // (its end sweeps); complete_at: when a fetch last reached the end of the source (staleness).
      await db.schema
        .alterTable('exchanges')
        .addColumn('sync_gen', 'integer', (c: any) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('exchanges')
        .addColumn('full_sync', 'integer', (c: any) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('exchanges').addColumn('complete_at', 'text').execute();
      await db.schema.alterTable('exchanges').addColumn('stale_after_s', 'integer').execute();
    },
  };
}
