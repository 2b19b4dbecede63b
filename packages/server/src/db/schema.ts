// Table types for Kysely. Times are ISO-8601 UTC strings and JSON is text on both dialects,
// so SQLite and PostgreSQL return identical rows and one code path serves both.
import type { ColumnType, Generated, Selectable } from 'kysely';

type Id = Generated<number>;

export interface EventsTable {
  id: Id;
  platform: string;
  external_id: string; // the platform's idempotency id
  type: string;
  subject_type: string;
  subject_id: string;
  payload: string; // JSON
  occurred_at: string;
  received_at: string;
  processed_at: string | null;
  source_key_id: number | null;
}

export interface JobsTable {
  id: Id;
  kind: string;
  payload: string; // JSON
  status: 'pending' | 'running' | 'done' | 'dead';
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
  /** The subject partition of event jobs (queue/partition.ts): one worker at a time per partition. Null: unordered. */
  partition: number | null;
}

export interface AccountsTable {
  platform: string;
  id: string;
  username: string | null;
  display_name: string | null;
  bio: string | null;
  avatar: string | null; // JSON media reference
  created_at: string | null;
  first_seen_at: string;
  updated_at: string;
  event_count: number;
}

export interface GroupsTable {
  platform: string;
  id: string;
  name: string | null;
  description: string | null;
  avatar: string | null;
  member_count: number | null;
  invite_link: string | null;
  created_at: string | null;
  first_seen_at: string;
  updated_at: string;
  event_count: number;
}

export interface GroupMembersTable {
  platform: string;
  group_id: string;
  account_id: string;
  joined_at: string;
  left_at: string | null;
  via_invite: string | null;
}

export interface InvitesTable {
  platform: string;
  link: string;
  group_id: string | null;
  created_by: string | null;
  created_at: string;
  uses: number;
}

export interface MediaTable {
  platform: string;
  id: string;
  account_id: string | null;
  group_id: string | null;
  surface: string;
  sha256: string | null;
  md5: string | null;
  pdq: string | null;
  url: string | null;
  mime: string | null;
  size: number | null;
  shared_at: string;
}

export interface UserReportsTable {
  platform: string;
  id: string;
  reporter_id: string;
  subject_type: string;
  subject_id: string;
  reason: string | null;
  payload: string; // JSON: messages, franking openings etc.
  filed_at: string;
  verification: Generated<'unverifiable' | 'verified' | 'forged'>;
  verification_detail: string | null; // JSON {messages: [{ok, reason?}], source?}
}

export interface StaffTable {
  id: Id;
  username: string;
  display_name: string | null;
  role: 'admin' | 'lead' | 'reviewer' | 'legal' | 'auditor';
  password_hash: string;
  failed_logins: number;
  locked_until: string | null;
  disabled: number;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  staff_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
}

export interface ApiKeysTable {
  id: Id;
  name: string;
  platform: string;
  scopes: string; // comma-separated
  secret_hash: string;
  created_by: number | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  /** Flagger organisation the key belongs to (scope flag). */
  org_id: number | null;
}

export interface AuditLogTable {
  seq: ColumnType<number, number, never>;
  at: string;
  actor: string;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  reason: string | null;
  data: string; // JSON
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface WebhookEndpointsTable {
  id: Id;
  url: string;
  secret: string;
  events: string; // comma-separated event types, or *
  enabled: number;
  created_at: string;
}

export interface WebhookOutboxTable {
  id: Id;
  endpoint_id: number;
  event_type: string;
  payload: string; // JSON body sent as-is
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  last_status: number | null;
  created_at: string;
  delivered_at: string | null;
}

export interface LoginAttemptsTable {
  key: string; // "ip:<addr>"
  window_start: string;
  count: number;
}

export interface Database extends DetectionTables {
  events: EventsTable;
  jobs: JobsTable;
  accounts: AccountsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  invites: InvitesTable;
  media: MediaTable;
  user_reports: UserReportsTable;
  staff: StaffTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_outbox: WebhookOutboxTable;
  login_attempts: LoginAttemptsTable;
}

export type Job = Selectable<JobsTable>;
export type AuditEntry = Selectable<AuditLogTable>;

export interface SignalsTable {
  id: Id;
  platform: string;
  subject_type: string;
  subject_id: string;
  kind: string;
  severity: number; // 0 info … 4 critical
  summary: string;
  evidence: string; // JSON
  event_id: number | null;
  dedupe_key: string;
  created_at: string;
}

export interface RulesTable {
  id: Id;
  name: string;
  description: string | null;
  version: number;
  expression: string;
  outcome: string; // JSON
  mode: 'active' | 'shadow';
  enabled: number;
  updated_at: string;
}

export interface RuleVersionsTable {
  rule_id: number;
  version: number;
  expression: string;
  outcome: string;
  mode: 'active' | 'shadow';
  created_by: string;
  created_at: string;
}

export interface VerdictsTable {
  id: Id;
  platform: string;
  subject_type: string;
  subject_id: string;
  rule_id: number;
  rule_version: number;
  event_id: number;
  outcome: string; // JSON
  shadow: number;
  signal_ids: string; // JSON array
  task_id: number | null;
  created_at: string;
}

/** One piece of review work inside a case (a rule's verdicts, flags, an appeal, an approval, a legal filing). */
export interface CaseItemsTable {
  id: Id;
  /** The case it belongs to; null only for legal work about no subject (law-enforcement requests). */
  case_id: number | null;
  platform: string;
  subject_type: string;
  subject_id: string;
  queue: string;
  priority: number; // higher first
  reason: string;
  status: 'open' | 'closed';
  claimed_by: number | null;
  claim_expires_at: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** JSON: what the task is about beyond its subject, e.g. {"appeal_id": 3} or {"action_id": 9}. */
  ref: string | null;
}

/** The one unit of work about a subject; at most one open per (platform, subject) (partial unique index). */
export interface CasesTable {
  id: Id;
  platform: string;
  subject_type: string;
  subject_id: string;
  status: 'open' | 'closed';
  /** From the highest-priority open item. */
  queue: string;
  priority: number;
  claimed_by: number | null;
  claim_expires_at: string | null;
  resolution: string | null;
  opened_at: string;
  updated_at: string;
  closed_at: string | null;
}

/** Media reveals per reviewer per UTC day; `break_at` is the count at the last acknowledged break. */
export interface ReviewerExposureTable {
  staff_id: number;
  day: string;
  reveals: number;
  break_at: number;
  updated_at: string;
}

/** Append-only history of a case (the database refuses updates and deletes). */
export interface CaseLogTable {
  id: Id;
  case_id: number;
  at: string;
  actor: string;
  kind: string;
  item_id: number | null;
  data: string; // JSON
}

export interface ExternalSignalsTable {
  id: Id;
  kind: 'handle' | 'invite_url' | 'md5' | 'sha256' | 'pdq';
  value: string;
  source: string;
  category: string | null;
  note: string | null;
  expires_at: string | null;
  created_at: string;
}

export interface BanksTable {
  id: Id;
  name: string;
  kind: 'block' | 'allow';
  description: string | null;
  enabled: number;
  created_at: string;
  updated_at: string;
  /** 1 when peers may pull this bank (GET /v1/exchange/shared/:bank/entries). */
  shared: Generated<number>;
}

export interface BankEntriesTable {
  id: Id;
  bank_id: number;
  signal_type: 'pdq' | 'md5' | 'sha256';
  value: string; // lower-case hex
  source: string | null;
  external_id: string | null;
  tags: string | null; // comma-separated
  note: string | null;
  confirmed: number;
  added_at: string;
  /** 1 when deconfirmed: kept for the record but no longer matched. */
  disabled: Generated<number>;
  confirmed_at: string | null;
  confirmed_by: string | null;
}

export interface NcmecReportsTable {
  id: Id;
  platform: string;
  subject_type: string;
  subject_id: string;
  decision_task_id: number | null;
  legal_task_id: number | null;
  status: 'draft' | 'queued' | 'filed' | 'retracted' | 'failed';
  draft: string;
  journal: string | null;
  ncmec_report_id: number | null;
  error: string | null;
  sent_by: string | null;
  created_at: string;
  updated_at: string;
  filed_at: string | null;
}

export interface VaultItemsTable {
  id: Id;
  platform: string;
  subject_type: string;
  subject_id: string;
  report_id: number | null;
  kind: 'media' | 'messages' | 'metadata';
  label: string;
  mime: string;
  size: number;
  sha256: string;
  key_id: string;
  nonce: string;
  ciphertext: string | null;
  created_at: string;
  expires_at: string;
  destroyed_at: string | null;
  destroyed_reason: string | null;
}

export interface LeRequestsTable {
  id: Id;
  kind: 'preservation' | 'subpoena' | 'court_order' | 'search_warrant' | 'emergency';
  agency: string;
  case_number: string;
  contact: string | null;
  received_at: string;
  due_at: string | null;
  subjects: string;
  nondisclosure_until: string | null;
  status: 'open' | 'produced' | 'rejected' | 'withdrawn' | 'expired';
  outcome: string | null;
  productions: string;
  preservation_until: string | null;
  renewed: number;
  reminded_at: string | null;
  notes: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface PsiTablesTable {
  version: number;
  mode: string;
  root: string;
  threshold: number;
  listed: number;
  slots: number;
  data: string;
  created_by: string;
  created_at: string;
}
export interface PsiMatchesTable {
  id: Id;
  platform: string;
  account_id: string;
  account_secret_id: string;
  voucher_id: string;
  table_version: number;
  conversation_id: string | null;
  voucher: string;
  event_id: number;
  created_at: string;
}
export interface PsiOpeningBlobsTable {
  opening_id: number;
  data: string;
  size: number;
  received_at: string;
}
export interface PsiOpeningsTable {
  id: Id;
  platform: string;
  account_id: string;
  voucher_id: string;
  conversation_id: string | null;
  blob_id: string;
  sha256: string;
  vault_item_id: number;
  opened_at: string;
}

export interface ExchangesTable {
  id: Id;
  name: string;
  type: 'file' | 'peer' | 'ncmec' | 'threatexchange';
  config: string;
  bank: string;
  enabled: number;
  interval_s: number;
  checkpoint: string | null;
  last_fetch_at: string | null;
  last_success_at: string | null;
  last_status: 'ok' | 'error' | 'running' | null;
  last_error: string | null;
  fetched_total: Generated<number>;
  locked_by: string | null;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  sync_gen: Generated<number>;
  full_sync: Generated<number>;
  complete_at: string | null;
  stale_after_s: number | null;
}

/** Which source item brought which hash into an exchange's bank (0014). */
export interface ExchangeItemsTable {
  id: Id;
  exchange_id: number;
  item: string;
  signal_type: 'pdq' | 'md5' | 'sha256';
  value: string;
  gen: number;
}

/** Written by triggers on every delete or enable/disable of a bank entry (indexes apply deltas). */
export interface BankEntryChangesTable {
  id: Id;
  entry_id: number;
  op: 'remove' | 'update';
  bank_id: number;
  signal_type: 'pdq' | 'md5' | 'sha256';
  value: string;
}

export interface EnforcementActionsTable {
  id: Id;
  platform: string;
  subject_type: string;
  subject_id: string;
  action: string;
  params: string; // JSON
  status: 'pending_approval' | 'active' | 'reversed' | 'rejected';
  reason: string;
  task_id: number | null;
  case_id: number | null;
  /** A member's ban carried out by a group-wide action (ban_members): that action's id. */
  via_action_id: number | null;
  decided_by: number;
  approved_by: number | null;
  created_at: string;
  expires_at: string | null;
  reversed_at: string | null;
  reversed_by: number | null;
}

export interface StrikesTable {
  id: Id;
  platform: string;
  account_id: string;
  action_id: number;
  reason: string;
  created_at: string;
}

export interface AppealsTable {
  id: Id;
  action_id: number;
  platform: string;
  statement: string;
  status: 'open' | 'upheld' | 'reversed';
  task_id: number | null;
  decided_by: number | null;
  reason: string | null;
  created_at: string;
  decided_at: string | null;
}

export interface LegalHoldsTable {
  id: Id;
  platform: string;
  subject_type: string;
  subject_id: string;
  reason: string;
  task_id: number | null;
  created_at: string;
  expires_at: string;
}

export interface FlaggerOrgsTable {
  id: Id;
  name: string;
  kind: 'hotline' | 'ngo' | 'law_enforcement' | 'trusted_flagger';
  disabled: number;
  created_at: string;
}

export interface FlagsTable {
  id: Id;
  reference: string;
  org_id: number | null;
  source: 'trusted' | 'bulk' | 'public';
  platform: string;
  subject_kind: string;
  subject_value: string;
  case_key: string;
  resolved_type: string | null;
  resolved_id: string | null;
  category: string;
  notes: string | null;
  evidence: string;
  found_at_url: string | null;
  reporter_key: string | null;
  status: 'received' | 'under_review' | 'actioned' | 'no_violation';
  statement: string | null;
  task_id: number | null;
  deadline_at: string;
  escalated_at: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface DetectionTables {
  term_lists: { version: number; list: string; created_by: string; created_at: string };
  flagger_orgs: FlaggerOrgsTable;
  flags: FlagsTable;
  enforcement_actions: EnforcementActionsTable;
  strikes: StrikesTable;
  appeals: AppealsTable;
  legal_holds: LegalHoldsTable;
  staff_settings: { staff_id: number; settings: string; updated_at: string };
  banks: BanksTable;
  bank_entries: BankEntriesTable;
  bank_generation: { id: number; generation: number };
  bank_entry_changes: BankEntryChangesTable;
  exchanges: ExchangesTable;
  exchange_items: ExchangeItemsTable;
  ncmec_reports: NcmecReportsTable;
  vault_items: VaultItemsTable;
  le_requests: LeRequestsTable;
  psi_tables: PsiTablesTable;
  psi_matches: PsiMatchesTable;
  psi_openings: PsiOpeningsTable;
  psi_opening_blobs: PsiOpeningBlobsTable;
  signals: SignalsTable;
  rules: RulesTable;
  rule_versions: RuleVersionsTable;
  verdicts: VerdictsTable;
  case_items: CaseItemsTable;
  cases: CasesTable;
  case_log: CaseLogTable;
  reviewer_exposure: ReviewerExposureTable;
  external_signals: ExternalSignalsTable;
}

/** Shared key sets (keys/keyring.ts), sealed with the configured key-encryption key. */
export interface KeyMaterialTable {
  name: string;
  sealed: string;
  created_by: string;
  created_at: string;
}
export interface DetectionTables {
  key_material: KeyMaterialTable;
}
/** One row per committed analysis, in commit order (0022_partitions.ts). */
export interface EventAnalysesTable {
  id: Id;
  event_id: number;
  worker: string;
  analysed_at: string;
}
export interface DetectionTables {
  event_analyses: EventAnalysesTable;
}
