// Keys every process of a deployment shares (vault, private matching, relay) when they are not in
// configuration: one row per key set, sealed with the key-encryption key from configuration.
import type { Kysely } from 'kysely';

export function keyMaterial() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('key_material')
        .addColumn('name', 'text', (c) => c.primaryKey()) // vault | psi | relay
        .addColumn('sealed', 'text', (c) => c.notNull()) // v1.<kek fingerprint>.<nonce>.<ciphertext>, base64url
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('key_material').execute();
    },
  };
}
