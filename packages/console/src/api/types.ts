// Friendly names for the API's responses, taken from the generated schema.ts (the server's OpenAPI document),
// so a screen's types follow the server's response schemas instead of being copied by hand.
import type { paths } from './schema.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of a route's success response (200, else 201). */
export type Body<P extends keyof paths, M extends Method = 'get'> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: infer OK }
    ? Json<OK>
    : R extends { 201: infer Created }
      ? Json<Created>
      : never
  : never;

// Session and staff
export type Staff = Body<'/v1/session'>['staff'];
export type StaffRow = Body<'/v1/staff'>['staff'][number];
export type ApiKey = Body<'/v1/api-keys'>['keys'][number];

// Review
export type CaseSummary = Body<'/v1/cases'>['cases'][number];
export type CaseDetail = Body<'/v1/cases/{id}'>;
export type Signal = Body<'/v1/signals'>['signals'][number];
export type TimelineEvent = Body<'/v1/events'>['events'][number];
export type UserReport = Body<'/v1/reports'>['reports'][number];
export type Appeal = Body<'/v1/appeals/{id}'>;
export type Flag = Body<'/v1/flags'>['flags'][number];
export type Settings = Body<'/v1/me/settings'>;
export type Exposure = Body<'/v1/me/exposure'>;
export type TeamExposure = Body<'/v1/wellness/team'>;

// Banks and exchanges
export type Bank = Body<'/v1/banks'>['banks'][number];
export type BankEntries = Body<'/v1/banks/{name}/entries'>;
export type Exchange = Body<'/v1/exchanges'>['exchanges'][number];
export type FetchResult = Body<'/v1/exchanges/{name}/fetch', 'post'>;

// Policy
export type Rule = Body<'/v1/rules'>['rules'][number];
export type RuleVersion = Body<'/v1/rules/{name}/versions'>['versions'][number];
export type Backtest = Body<'/v1/rules/backtest', 'post'>;
export type TermVersion = Body<'/v1/term-list/versions'>['versions'][number];
export type TryResult = Body<'/v1/term-list/try', 'post'>;
export type WebhookEndpoint = Body<'/v1/webhooks'>['endpoints'][number];
export type WebhookDelivery = Body<'/v1/webhooks/deliveries'>['deliveries'][number];

// Oversight
export type AuditPage = Body<'/v1/audit'>;
export type AuditEntry = AuditPage['entries'][number];
export type AuditVerification = Body<'/v1/audit/verify'>;
export type Dashboard = Body<'/v1/team/dashboard'>;
export type Transparency = Body<'/v1/legal/transparency'>;

// Legal
export type ReportSummary = Body<'/v1/legal/reports'>['reports'][number];
export type ReportDetail = Body<'/v1/legal/reports/{id}'>;
export type VaultItem = Body<'/v1/legal/vault'>['items'][number];
export type Hold = Body<'/v1/legal/holds'>['holds'][number];
export type LeRequest = Body<'/v1/legal/le-requests/{id}'>;
