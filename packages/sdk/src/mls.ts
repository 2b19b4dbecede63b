// The MLS parts the client uses (ts-mls, RFC 9420), behind a few small functions. Ciphersuite 1:
// X25519, AES-128-GCM, SHA-256, Ed25519 — no extra dependencies, the RFC's mandatory suite.
import {
  decodeMlsMessage, defaultCapabilities, defaultLifetime, encodeMlsMessage, generateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl,
  type CiphersuiteImpl, type ClientState, type KeyPackage, type MLSMessage, type PrivateKeyPackage,
} from 'ts-mls';

let suite: Promise<CiphersuiteImpl> | null = null;
export function cipherSuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'));
  return suite;
}

export async function newKeyPackage(userId: string): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }> {
  return generateKeyPackage({ credentialType: 'basic', identity: new TextEncoder().encode(userId) }, defaultCapabilities(), defaultLifetime, [], await cipherSuite());
}

export const encodeMessage = (m: MLSMessage): Uint8Array => encodeMlsMessage(m);

export function decodeMessage(bytes: Uint8Array): MLSMessage {
  const d = decodeMlsMessage(bytes, 0);
  if (!d) throw new TypeError('not an MLS message');
  return d[0];
}

function identityOf(leaf: { credential: { credentialType: string; identity?: Uint8Array } }): string | null {
  return leaf.credential.credentialType === 'basic' && leaf.credential.identity ? new TextDecoder().decode(leaf.credential.identity) : null;
}

/** Members' user ids with their leaf indexes (leaves sit at even node indexes of the ratchet tree). */
export function membersOf(state: ClientState): { userId: string; leafIndex: number }[] {
  const out: { userId: string; leafIndex: number }[] = [];
  state.ratchetTree.forEach((n, i) => {
    if (n?.nodeType === 'leaf') {
      const id = identityOf(n.leaf as never);
      if (id) out.push({ userId: id, leafIndex: i / 2 });
    }
  });
  return out;
}
