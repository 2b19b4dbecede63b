// Runs the migrations in order; called on every start (idempotent).
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db, DialectName } from './connect.ts';
import { foundation } from './migrations/0001_foundation.ts';
import { detection } from './migrations/0002_detection.ts';
import { banks } from './migrations/0003_banks.ts';
import { enforcement } from './migrations/0004_enforcement.ts';
import { flags } from './migrations/0005_flags.ts';
import { termLists } from './migrations/0006_term_lists.ts';
import { bankIndex } from './migrations/0007_bank_index.ts';
import { reports } from './migrations/0008_reports.ts';
import { exchanges } from './migrations/0009_exchanges.ts';
import { vault } from './migrations/0010_vault.ts';
import { leRequests } from './migrations/0011_le_requests.ts';
import { reportVerification } from './migrations/0012_report_verification.ts';
import { relay } from './migrations/0013_relay.ts';
import { exchangeItems } from './migrations/0014_exchange_items.ts';
import { psi } from './migrations/0015_psi.ts';
import { relayQueueCreated } from './migrations/0016_relay_queue_created.ts';
import { cases } from './migrations/0017_cases.ts';
import { relayAbuseLimits } from './migrations/0019_relay_abuse_limits.ts';
import { keyMaterial } from './migrations/0020_key_material.ts';
import { reviewerExposure } from './migrations/0021_reviewer_exposure.ts';
import { partitions } from './migrations/0022_partitions.ts';
import { oversightIndexes } from './migrations/0025_oversight_indexes.ts';
import { analysisIndexes } from './migrations/0026_analysis_indexes.ts';
import { relayMovesOut } from './migrations/0030_relay_moves_out.ts';

/** Every migration, oldest first. Append only: never edit one that has shipped. */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001_foundation': foundation(dialect),
    '0002_detection': detection(dialect),
    '0003_banks': banks(dialect),
    '0004_enforcement': enforcement(dialect),
    '0005_flags': flags(dialect),
    '0006_term_lists': termLists(),
    '0007_bank_index': bankIndex(dialect),
    '0008_reports': reports(dialect),
    '0009_exchanges': exchanges(dialect),
    '0010_vault': vault(dialect),
    '0011_le_requests': leRequests(dialect),
    '0012_report_verification': reportVerification(),
    '0013_relay': relay(dialect),
    '0014_exchange_items': exchangeItems(dialect),
    '0015_psi': psi(dialect),
    '0016_relay_queue_created': relayQueueCreated(),
    '0017_cases': cases(dialect),
    '0019_relay_abuse_limits': relayAbuseLimits(),
    '0020_key_material': keyMaterial(),
    '0021_reviewer_exposure': reviewerExposure(dialect),
    '0022_partitions': partitions(dialect),
    '0025_oversight_indexes': oversightIndexes(),
    '0026_analysis_indexes': analysisIndexes(),
    '0030_relay_moves_out': relayMovesOut(),
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly all: Record<string, Migration>) {}
  async getMigrations() {
    return this.all;
  }
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema; pin it to ours so databases that
  // hold several Vigil schemas (tests, staging beside production) do not see each other's.
  const schema =
    db.dialect === 'postgres'
      ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(db.kysely)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db: db.kysely,
    provider: new StaticProvider(migrations(db.dialect)),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
