// Review's public face: what other modules and the HTTP routes may use. Everything else in this folder is
// review's own (it alone writes cases, case_items, case_log, enforcement_actions, appeals, reviewer exposure).
// Others ask for review with requestReview and learn of decisions as subscribers (effects.ts).
export { requestReview, raiseIfOpen, closeSubjectWork, completeWork, type ReviewRequest } from './request.ts';
export { CaseBook, type BookSubject } from './case-book.ts';
export { LEGAL_QUEUES, type Subject } from './task-store.ts';
export {
  DECISION_SUBSCRIBERS,
  CLAIM_SUBSCRIBERS,
  bySubscriber,
  type DecisionRecorded,
  type CaseClaimed,
  type DecisionSubscriber,
  type ClaimSubscriber,
} from './effects.ts';
export {
  DECISIONS,
  CASE_DECISIONS,
  SEVERITIES,
  claimCase,
  releaseCase,
  addNote,
  decideCase,
  bulkCases,
  type CaseDecision,
  type Severity,
  type CaseDecisionInput,
  type BulkOp,
  type BulkError,
} from './cases.ts';
export { caseDetail, listCases, type CaseFilters } from './case-views.ts';
export { claimTask, releaseTask, decideTask } from './tasks.ts';
export {
  actionRequest,
  applyActions,
  approveAction,
  fileAppeal,
  decideAppeal,
  reverseAction,
  type ActionName,
  type ActionRequest,
} from './enforcement.ts';
export { exposureOf, recordReveal, takeBreak, teamExposure, type Exposure } from './exposure.ts';
