// The coded-term list in force, stored as versions in the database; every save is audited.
import type { Kysely } from 'kysely';
import { DEFAULT_TERM_LIST, parseTermList, type TermList } from '@vigil/text';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/log.ts';
import { fromJson, toJson } from '../util/json.ts';
import { iso, type Clock } from '../util/time.ts';

const cache = new Map<string, TermList>();

/** The list in force, parsed once per version: only its version is read again until a new one is saved. */
export async function currentTermList(db: Kysely<Database>): Promise<TermList | null> {
  const head = await db
    .selectFrom('term_lists')
    .select(['version', 'created_at'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!head) return null;
  // The save time is in the key so that processes seeing several databases (tests, tools) never mix up lists.
  const key = `${head.version}@${head.created_at}`;
  let list = cache.get(key);
  if (!list) {
    const row = await db
      .selectFrom('term_lists')
      .select('list')
      .where('version', '=', head.version)
      .executeTakeFirstOrThrow();
    if (cache.size > 100) cache.clear();
    cache.set(key, (list = parseTermList(fromJson(row.list))));
  }
  return list;
}

/** Validates and stores a new version (its version number is assigned here). */
export async function saveTermList(db: Kysely<Database>, raw: unknown, actor: string, clock: Clock): Promise<TermList> {
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('term_lists')
      .select('version')
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    const version = (last?.version ?? 0) + 1;
    const list = parseTermList({ ...(raw as object), version });
    await trx
      .insertInto('term_lists')
      .values({ version, list: toJson(list), created_by: actor, created_at: iso(clock.now()) })
      .execute();
    await appendAudit(
      trx,
      {
        actor,
        action: 'term_list.save',
        subjectType: 'term_list',
        subjectId: String(version),
        data: { name: list.name, terms: list.terms.length },
      },
      clock,
    );
    return list;
  });
}

const SYSTEM = 'system:default-terms';
const comparable = (l: TermList) => toJson({ ...l, version: 0 });

/**
 * Seeds the built-in list on an empty database, and upgrades a database whose list in force is an earlier
 * built-in one that nobody edited (saved by the system, not by staff) when the built-in list changed: a new,
 * audited version. A list an operator saved is never replaced.
 */
export async function ensureDefaultTermList(db: Kysely<Database>, clock: Clock): Promise<boolean> {
  const row = await db
    .selectFrom('term_lists')
    .select(['version', 'created_by'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row) {
    if (row.created_by !== SYSTEM) return false;
    const current = await currentTermList(db);
    if (current && comparable(current) === comparable(parseTermList({ ...DEFAULT_TERM_LIST, version: 1 })))
      return false;
  }
  await saveTermList(db, DEFAULT_TERM_LIST, SYSTEM, clock);
  return true;
}
