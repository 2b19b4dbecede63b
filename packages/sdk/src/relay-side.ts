// The relay's and the safety service's part of the protocol, used by the in-process relay (./testing) and
// re-exported for callers of the SDK. Stamping, verifying and the report's subject are @vigil/crypto/report's,
// which knows no MLS library; what is MLS here is reading the epoch and authenticated data out of the message.
import { stampDelivery, type RelayKeysForStamping, type RelayStamp } from '@vigil/crypto/report';
import { decodeMessage } from './mls.ts';

export {
  verifyReport,
  isSdkEvidence,
  derivedSubject,
  SubjectMismatch,
  type RelayKeysForStamping,
  type RelayKeysForVerifying,
  type ReportSubject,
  type ReportVerification,
  type MessageVerification,
  type VerifyReportOptions,
} from '@vigil/crypto/report';

/**
 * Stamps one application message for delivery to each recipient. `senderId` must be the account the
 * relay authenticated, `recipients` the accounts it queues the message for, and `now` the relay's clock.
 * Throws for anything that is not an MLS application message carrying Vigil's authenticated data (the
 * relay refuses it: such a message could not be reported). Stores nothing.
 */
export function relayStamp(
  keys: RelayKeysForStamping,
  o: {
    conversationId: string;
    senderId: string;
    messageId: string;
    data: Uint8Array;
    now: number;
    recipients: Iterable<string>;
  },
): Map<string, RelayStamp> {
  const m = decodeMessage(o.data);
  if (m.wireformat !== 'mls_private_message' || m.privateMessage.contentType !== 'application')
    throw new TypeError('application messages must be MLS private messages');
  const { conversationId, senderId, messageId, now, recipients } = o;
  return stampDelivery(keys, {
    conversationId,
    senderId,
    messageId,
    now,
    recipients,
    epoch: Number(m.privateMessage.epoch),
    authenticatedData: m.privateMessage.authenticatedData,
  });
}
