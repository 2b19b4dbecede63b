// The evidence a user report carries (`report.filed`, version 1): its shape and reading are
// @vigil/crypto/report's, shared with the relay and the safety service that verify it; the client
// (VigilClient.buildReport) adds how much context it includes by default.
export {
  REPORT_VERSION,
  revealedContent,
  revealedContext,
  type ReportV1,
  type RevealedMessageV1,
} from '@vigil/crypto/report';

/** Earlier messages of the conversation included as context_only before the reported ones. */
export const DEFAULT_REPORT_CONTEXT = 5;
