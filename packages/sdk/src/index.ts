// @vigil/sdk: the E2EE client (MLS via ts-mls) with Vigil's safety mechanisms built in. The report protocol
// (evidence, stamping deliveries, verifying reports, their subject) is @vigil/crypto/report's, re-exported
// here with relayStamp, its MLS-reading wrapper, for the in-process relay and the SDK's callers.
export { VigilClient, type StoredMessage, type Dropped, type ClientOptions } from './client.ts';
export {
  FORWARDED_MANY_TIMES,
  MAX_FORWARD_CHATS,
  ForwardLimitError,
  forwardLabel,
  forwardLimit,
  checkForward,
  type ForwardLabel,
} from './forwarding.ts';
export {
  DEFAULT_REPORT_CONTEXT,
  REPORT_VERSION,
  revealedContent,
  revealedContext,
  type ReportV1,
  type RevealedMessageV1,
} from './report.ts';
export {
  relayStamp,
  verifyReport,
  isSdkEvidence,
  derivedSubject,
  SubjectMismatch,
  type ReportSubject,
  type RelayKeysForStamping,
  type RelayKeysForVerifying,
  type ReportVerification,
  type MessageVerification,
  type VerifyReportOptions,
} from './relay-side.ts';
export type { RelayTransport, Envelope, EnvelopeKind, RelayStamp } from './transport.ts';
export { encodePayload, decodePayload, type MessagePayload } from './payload.ts';
export {
  encodeAuthenticatedData,
  decodeAuthenticatedData,
  type AttachmentPayload,
  type SourceRecordJson,
} from '@vigil/crypto/report';
export { canonicalJson } from './canonical-json.ts';
export {
  newIdentity,
  newKeyPackage,
  encodeKeyPackage,
  decodeKeyPackage,
  keyPackageUser,
  isLastResort,
  LAST_RESORT_EXTENSION,
  type Identity,
} from './mls.ts';
export { MemoryRelay } from './testing/memory-relay.ts';
export { HttpRelayTransport, RelayHttpError } from './http-transport.ts';
export { PrivateMatching, type MatchingPolicy, type MatchingScope, type VoucherUpload } from './private-matching.ts';
