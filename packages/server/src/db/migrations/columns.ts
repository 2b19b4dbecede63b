// Column types that differ by dialect, shared by every migration.
import type { CreateTableBuilder } from 'kysely';
import type { DialectName } from '../connect.ts';

/** An auto-incrementing integer primary key named `id`. */
export function withId<T extends CreateTableBuilder<any, any>>(t: T, dialect: DialectName): T {
  return (
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  ) as T;
}

/** A 64-bit integer (ids referencing other tables, sizes). */
export const bigint = (dialect: DialectName) => (dialect === 'postgres' ? 'bigint' : 'integer');
