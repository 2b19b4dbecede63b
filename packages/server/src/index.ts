export * from './config.ts';
export * from './service.ts';
export { startWorkerService, type WorkerService } from './worker-service.ts';
export { loadKeyring } from './keys/keyring.ts';
export { VigilError, isVigilError, ERROR_STATUS, type ErrorCode } from './errors.ts';
export { buildApp, VERSION } from './app.ts';
export { connect, type Db, type DialectName } from './db/connect.ts';
export { migrateToLatest, migrations } from './db/migrate.ts';
export type { Database } from './db/schema.ts';
export * from './audit/index.ts';
export * from './queue/jobs.ts';
export { Worker, type JobHandler } from './queue/worker.ts';
export { createStaff, updateStaff } from './auth/staff.ts';
export { createApiKey, revokeApiKey } from './auth/api-keys.ts';
export { generatePassword } from './auth/passwords.ts';
export { ROLES, SCOPES, type Role, type Scope } from './auth/roles.ts';
export { platformEvent, EVENT_TYPES, type PlatformEvent } from './ingest/index.ts';
export { ingestEvents, validateEvents } from './ingest/index.ts';
export { emitWebhook } from './webhooks/outbox.ts';
export { signPayload, verifySignature } from './webhooks/sign.ts';
export { seedDemo, seedCrowd, isSeeded, demoEvents, DEMO_ADMIN } from './demo/seed.ts';
export { writeDemoImages, demoMediaRoute } from './demo/images.ts';
export { systemClock, type Clock } from './util/time.ts';
export { backtestRule, type BacktestReport } from './detect/index.ts';
export { saveRule, listRules, ensureDefaultRules, DEFAULT_RULES } from './detect/index.ts';
export { compileRule } from './detect/index.ts';
export { createBank, addEntries, bankByName, parsePlainList, type EntryInput, type SignalType } from './media/index.ts';
export {
  parseList,
  parseHmaCsv,
  parseJsonEntries,
  sniffFormat,
  hmaCsvRow,
  HMA_CSV_HEADER,
  LIST_FORMATS,
  type ListFormat,
} from './media/index.ts';
export { BankIndex, type BankMatch } from './media/index.ts';
export { matchMedia } from './media/index.ts';
export { runExchange, type RunResult } from './exchanges/index.ts';
export { exchangeJson } from './exchanges/index.ts';
export { computeTransparency, transparencyCsv, transparencyHtml, transparencyText } from './legal/index.ts';
