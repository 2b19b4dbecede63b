// The relay's part of the safety protocol, shared by the reference relay and the in-process one:
// read the commitments from the MLS authenticated data, tag the delivery, stamp the source.
import { relayStampSource, reportingTag, type RelaySourceKeys, type ReportingContext } from '@vigil/crypto';
import { decodeMessage } from './mls.ts';
import { b64, decodeAuthenticatedData } from './payload.ts';
import type { RelayStamp } from './transport.ts';

export interface RelayKeysForStamping {
  franking: { keyId: string; key: Uint8Array };
  source: RelaySourceKeys;
}

/** Throws for anything that is not an application message carrying Vigil's authenticated data. */
export function relayStamp(keys: RelayKeysForStamping, o: { conversationId: string; senderId: string; messageId: string; data: Uint8Array; now: number }): RelayStamp {
  const m = decodeMessage(o.data);
  if (m.wireformat !== 'mls_private_message' || m.privateMessage.contentType !== 'application') throw new TypeError('application messages must be MLS private messages');
  const { frankingCommitment, sourceComm } = decodeAuthenticatedData(m.privateMessage.authenticatedData);
  const context: ReportingContext = { conversationId: o.conversationId, senderId: o.senderId, epoch: Number(m.privateMessage.epoch), messageId: o.messageId, timestamp: o.now, keyId: keys.franking.keyId };
  const tag = reportingTag(keys.franking.key, frankingCommitment, context);
  const { src, sig } = relayStampSource(keys.source, sourceComm, { userId: o.senderId, timestamp: o.now });
  return { context, tag: b64(tag), src: b64(src), sig: b64(sig) };
}
