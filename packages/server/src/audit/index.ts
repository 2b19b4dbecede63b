export { appendAudit, entryHash, GENESIS_HASH, type AuditInput } from './log.ts';
export { verifyAudit, type AuditVerification, type AuditProblem } from './verify.ts';
