// The MLS parts the client uses (ts-mls 1.6.4, RFC 9420), behind a few small functions. Ciphersuite 1:
// X25519, AES-128-GCM, SHA-256, Ed25519 — the RFC's mandatory suite, needing no extra dependencies.
import {
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type CiphersuiteImpl,
  type ClientState,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
} from 'ts-mls';

let suite: Promise<CiphersuiteImpl> | null = null;
export function cipherSuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'));
  return suite;
}

/** A user's MLS identity: a basic credential (the user id) and one Ed25519 signature key pair. */
export interface Identity {
  userId: string;
  signaturePublicKey: Uint8Array;
  signaturePrivateKey: Uint8Array;
}

export async function newIdentity(userId: string): Promise<Identity> {
  const k = await (await cipherSuite()).signature.keygen();
  return { userId, signaturePublicKey: k.publicKey, signaturePrivateKey: k.signKey };
}

export type KeyPackagePair = { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage };

/**
 * The `last_resort` KeyPackage extension (RFC 9420 §16.8; type 0x000A in the IANA MLS registry): a package the
 * directory may hand out more than once, when the owner's one-time packages have run out, so a user whose
 * packages were drained can still be added to conversations.
 */
export const LAST_RESORT_EXTENSION = 0x000a;

/** A key package signed by the identity key (fresh HPKE init and leaf keys each time); single use unless `lastResort`. */
export async function newKeyPackage(id: Identity, o: { lastResort?: boolean } = {}): Promise<KeyPackagePair> {
  const credential = { credentialType: 'basic' as const, identity: new TextEncoder().encode(id.userId) };
  const extensions = o.lastResort ? [{ extensionType: LAST_RESORT_EXTENSION, extensionData: new Uint8Array(0) }] : [];
  return generateKeyPackageWithKey(
    credential,
    defaultCapabilities(),
    defaultLifetime,
    extensions,
    { signKey: id.signaturePrivateKey, publicKey: id.signaturePublicKey },
    await cipherSuite(),
  );
}

export const isLastResort = (kp: KeyPackage): boolean =>
  kp.extensions.some((e) => e.extensionType === LAST_RESORT_EXTENSION);

export const encodeKeyPackage = (kp: KeyPackage): Uint8Array =>
  encodeMlsMessage({ keyPackage: kp, wireformat: 'mls_key_package', version: 'mls10' });

export function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  const m = decodeMessage(bytes);
  if (m.wireformat !== 'mls_key_package') throw new TypeError('not an MLS key package');
  return m.keyPackage;
}

export const encodeMessage = (m: MLSMessage): Uint8Array => encodeMlsMessage(m);

export function decodeMessage(bytes: Uint8Array): MLSMessage {
  const d = decodeMlsMessage(bytes, 0);
  if (!d) throw new TypeError('not an MLS message');
  return d[0];
}

function identityOf(leaf: { credential: { credentialType: string; identity?: Uint8Array } }): string | null {
  return leaf.credential.credentialType === 'basic' && leaf.credential.identity
    ? new TextDecoder().decode(leaf.credential.identity)
    : null;
}

export const keyPackageUser = (kp: KeyPackage): string | null => identityOf(kp.leafNode as never);

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

export const userAtLeaf = (state: ClientState, leafIndex: number): string | null =>
  membersOf(state).find((m) => m.leafIndex === leafIndex)?.userId ?? null;
