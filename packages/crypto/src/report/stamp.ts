// The relay's part on every application message it delivers: from the two commitments in the message's
// authenticated data, a reporting tag per recipient and one signed source record. Pure, over keys the
// caller holds; it stores nothing. Reading the MLS framing (which gives the epoch and the authenticated
// data) is the caller's: this module knows no MLS library.
import { reportingTag, type HmacSha256, type ReportingContext } from '../franking.ts';
import { relayStampSource, type Ed25519Sign, type RelaySourceKeys } from '../source-trace.ts';
import { b64 } from '../encoding.ts';
import { decodeAuthenticatedData } from './authenticated-data.ts';

/** Added by the relay to every application message it delivers. */
export interface RelayStamp {
  context: ReportingContext;
  tag: string; // base64 reporting tag
  src: string; // base64 source record parts (comm and r stay with the sender's payload)
  sig: string;
}

export interface RelayKeysForStamping {
  franking: { keyId: string; key: Uint8Array };
  source: RelaySourceKeys;
  /** Faster native primitives where the relay runs (node's OpenSSL); the same bytes as the @noble defaults. */
  primitives?: { hmacSha256?: HmacSha256; ed25519Sign?: Ed25519Sign };
}

export interface Delivery {
  conversationId: string;
  /** The account the relay authenticated as the sender. */
  senderId: string;
  messageId: string;
  /** The MLS epoch and authenticated_data of the application message (a PrivateMessage's cleartext header). */
  epoch: number;
  authenticatedData: Uint8Array;
  /** The relay's clock, ms since the epoch. */
  now: number;
  /** The accounts the relay queues the message for. */
  recipients: Iterable<string>;
}

/**
 * One stamp per recipient. The source record is signed once per message; the reporting tag is one HMAC
 * per recipient, because it binds the recipient: only the account a copy was delivered to can report it.
 * Throws when the authenticated data is not Vigil's (the relay refuses such a message: it could not be reported).
 */
export function stampDelivery(keys: RelayKeysForStamping, d: Delivery): Map<string, RelayStamp> {
  const { frankingCommitment, sourceComm } = decodeAuthenticatedData(d.authenticatedData);
  const { src, sig } = relayStampSource(
    keys.source,
    sourceComm,
    { userId: d.senderId, timestamp: d.now },
    keys.primitives?.ed25519Sign,
  );
  const source = { src: b64(src), sig: b64(sig) };
  const out = new Map<string, RelayStamp>();
  for (const recipientId of d.recipients) {
    if (out.has(recipientId)) continue;
    const context: ReportingContext = {
      conversationId: d.conversationId,
      senderId: d.senderId,
      recipientId,
      epoch: d.epoch,
      messageId: d.messageId,
      timestamp: d.now,
      keyId: keys.franking.keyId,
    };
    out.set(recipientId, {
      context,
      tag: b64(reportingTag(keys.franking.key, frankingCommitment, context, keys.primitives?.hmacSha256)),
      ...source,
    });
  }
  return out;
}
