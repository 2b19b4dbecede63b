// The little of MLS (RFC 9420, via ts-mls, the client SDK's library) the relay reads: a published key
// package's owner and last-resort extension, and an application message's cleartext header (epoch and
// authenticated data, which the stamp needs). The relay never holds group state or decrypts anything.
import { decodeMlsMessage, type KeyPackage, type MLSMessage } from 'ts-mls';

/** RFC 9420 §16.8 `last_resort` (IANA MLS extension type 0x000A), as the SDK sets it. */
const LAST_RESORT_EXTENSION = 0x000a;

function decodeMessage(bytes: Uint8Array): MLSMessage {
  const d = decodeMlsMessage(bytes, 0);
  if (!d) throw new TypeError('not an MLS message');
  return d[0];
}

export function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  const m = decodeMessage(bytes);
  if (m.wireformat !== 'mls_key_package') throw new TypeError('not an MLS key package');
  return m.keyPackage;
}

/** The user id of a key package's basic credential (null for any other credential type). */
export function keyPackageUser(kp: KeyPackage): string | null {
  const c = kp.leafNode.credential as { credentialType: string; identity?: Uint8Array };
  return c.credentialType === 'basic' && c.identity ? new TextDecoder().decode(c.identity) : null;
}

export const isLastResort = (kp: KeyPackage): boolean =>
  kp.extensions.some((e) => e.extensionType === LAST_RESORT_EXTENSION);

/** The cleartext header of an application message; throws for any other MLS message. */
export function applicationHeader(bytes: Uint8Array): { epoch: number; authenticatedData: Uint8Array } {
  const m = decodeMessage(bytes);
  if (m.wireformat !== 'mls_private_message' || m.privateMessage.contentType !== 'application')
    throw new TypeError('application messages must be MLS private messages');
  return { epoch: Number(m.privateMessage.epoch), authenticatedData: m.privateMessage.authenticatedData };
}
