// @vigil/crypto/report: the user-report protocol over franking and source tracing, shared by the client
// SDK, the relay and the safety service — the authenticated data a message carries, the relay's stamp on
// each delivery, report evidence, its verification and the subject a verified report derives. Knows no
// MLS library (the caller reads the MLS framing); no `node:` imports, so it runs in browsers.
export { encodeAuthenticatedData, decodeAuthenticatedData } from './authenticated-data.ts';
export { stampDelivery, type RelayStamp, type RelayKeysForStamping, type Delivery } from './stamp.ts';
export {
  REPORT_VERSION,
  revealedContent,
  revealedContext,
  isSdkEvidence,
  isSourceRecordJson,
  isBase64,
  type ReportV1,
  type RevealedMessageV1,
  type AttachmentPayload,
  type SourceRecordJson,
} from './evidence.ts';
export {
  verifyReport,
  type RelayKeysForVerifying,
  type ReportVerification,
  type MessageVerification,
  type VerifyReportOptions,
} from './verify.ts';
export { derivedSubject, SubjectMismatch, type ReportSubject } from './subject.ts';
