// A staff member's own settings (the console's wellness settings), stored as JSON; the route validates their shape.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { fromJson, toJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';

/** The stored settings, or null when the staff member never saved any. */
export async function readStaffSettings(db: Kysely<Database>, staffId: number): Promise<unknown> {
  const row = await db
    .selectFrom('staff_settings')
    .select('settings')
    .where('staff_id', '=', staffId)
    .executeTakeFirst();
  return row ? fromJson(row.settings) : null;
}

export async function saveStaffSettings(
  db: Kysely<Database>,
  staffId: number,
  value: unknown,
  clock: Clock,
): Promise<void> {
  const settings = toJson(value);
  await db
    .insertInto('staff_settings')
    .values({ staff_id: staffId, settings, updated_at: iso(clock.now()) })
    .onConflict((oc) => oc.column('staff_id').doUpdateSet({ settings, updated_at: iso(clock.now()) }))
    .execute();
}
