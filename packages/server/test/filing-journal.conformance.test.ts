// The filing journal conformance suite (packages/ncmec/test/journal-conformance.ts) against the server's
// journal: the filing state in its report's row, on both dialects. A restart opens a second connection
// to the same database, as a restarted worker would.
import { join } from 'node:path';
import { journalConformance } from '../../ncmec/test/journal-conformance.ts';
import { DbJournal } from '../src/legal/reports.ts';
import { connect, type Db } from '../src/db/connect.ts';
import { DIALECTS, PG_URL, openTestDb } from './helpers.ts';

for (const dialect of DIALECTS) {
  journalConformance(`DbJournal (${dialect})`, async () => {
    const t = await openTestDb(dialect);
    let db: Db = t.db;
    const reconnect = (): Db =>
      dialect === 'sqlite'
        ? connect({ sqlitePath: join(t.dataDir, 'vigil.db') })
        : connect({ databaseUrl: PG_URL, pgSchema: t.pgSchema, poolSize: 5 });
    // The server keys a filing by its report's row (localId `vigil-report-<id>`): one row per filing here.
    const rows = new Map<string, number>();
    const rowFor = async (localId: string) => {
      if (!rows.has(localId)) {
        const now = new Date().toISOString();
        const r = await db.kysely
          .insertInto('ncmec_reports')
          .values({
            platform: 'test',
            subject_type: 'account',
            subject_id: localId,
            status: 'queued',
            draft: '{}',
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        rows.set(localId, Number(r.id));
      }
      return rows.get(localId)!;
    };
    return {
      journal: async (localId) => new DbJournal(db.kysely, await rowFor(localId)),
      async restart() {
        if (db !== t.db) await db.close();
        db = reconnect();
      },
      async close() {
        if (db !== t.db) await db.close();
        await t.cleanup();
      },
    };
  });
}
