// An in-process relay for tests and examples: a real implementation of the relay's side (key
// package directory, fan-out, reporting tags and source stamps via relayStamp, blobs, expiry of
// disappearing messages), holding everything in memory. It takes the sender's `from` on trust:
// a networked relay must set it from the authenticated account.
import { bytesToHex, randomBytes, newRelaySourceKeys } from '@vigil/crypto';
import { relayStamp, type RelayKeysForStamping, type RelayKeysForVerifying } from '../relay-side.ts';
import type { Envelope, RelayTransport } from '../transport.ts';

export class MemoryRelay implements RelayTransport {
  private keyPackages = new Map<string, Uint8Array[]>();
  private queues = new Map<string, Envelope[]>();
  private blobs = new Map<string, Uint8Array>();
  /** Every MLS message relayed, for tests that check the relay never saw plaintext. */
  readonly seen: Uint8Array[] = [];

  constructor(
    private readonly keys: RelayKeysForStamping,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** A relay with fresh keys; returns what the safety service needs to verify its reports too. */
  static withFreshKeys(now?: () => number): {
    relay: MemoryRelay;
    verifying: RelayKeysForVerifying;
    sourcePublicKey: Uint8Array;
  } {
    const source = newRelaySourceKeys('src-1');
    const franking = { keyId: 'frank-1', key: randomBytes(32) };
    return {
      relay: new MemoryRelay({ franking, source }, now),
      verifying: {
        franking: new Map([[franking.keyId, franking.key]]),
        source: new Map([[source.keyId, { encKey: source.encKey, signPublic: source.signPublic }]]),
      },
      sourcePublicKey: source.signPublic,
    };
  }

  private lastResort = new Map<string, Uint8Array>();

  async publishKeyPackage(userId: string, kp: Uint8Array, o: { lastResort?: boolean } = {}) {
    if (o.lastResort) this.lastResort.set(userId, kp);
    else this.keyPackages.set(userId, [...(this.keyPackages.get(userId) ?? []), kp]);
  }

  async fetchKeyPackage(userId: string) {
    // One-time packages first (single use); then the last-resort one, which stays.
    const kp = (this.keyPackages.get(userId) ?? []).shift() ?? this.lastResort.get(userId);
    if (!kp) throw new Error(`no key package for ${userId}`);
    return kp;
  }

  async keyPackageStatus(userId: string) {
    return { oneTime: this.keyPackages.get(userId)?.length ?? 0, lastResort: this.lastResort.has(userId) };
  }

  async send(e: {
    id: string;
    conversationId: string;
    kind: Envelope['kind'];
    from: string;
    to: string[];
    data: Uint8Array;
    expiresAt?: number;
  }) {
    this.seen.push(e.data);
    const to = [...new Set(e.to)].filter((u) => u !== e.from);
    // Application messages get one stamp per recipient (the tag binds who it was delivered to).
    const stamps =
      e.kind === 'application'
        ? relayStamp(this.keys, {
            conversationId: e.conversationId,
            senderId: e.from,
            messageId: e.id,
            data: e.data,
            now: this.now(),
            recipients: to,
          })
        : undefined;
    for (const u of to) {
      const stamp = stamps?.get(u);
      this.push(u, {
        id: e.id,
        conversationId: e.conversationId,
        kind: e.kind,
        from: e.from,
        data: e.data,
        ...(stamp ? { relay: stamp } : {}),
        ...(e.expiresAt ? { expiresAt: e.expiresAt } : {}),
      });
    }
  }

  /** Tests use this to deliver a crafted envelope, as a malicious sender or relay path would. */
  inject(userId: string, e: Envelope) {
    this.push(userId, e);
  }

  private push(userId: string, e: Envelope) {
    const q = this.queues.get(userId) ?? [];
    q.push(e);
    this.queues.set(userId, q);
  }

  async receive(userId: string) {
    const q = (this.queues.get(userId) ?? []).filter((e) => !e.expiresAt || e.expiresAt > this.now()); // expired ciphertexts are dropped unread
    this.queues.set(userId, []);
    return q;
  }

  async putBlob(blob: Uint8Array) {
    const id = bytesToHex(randomBytes(16)); // a random id per upload: equal ciphertexts are never merged
    this.blobs.set(id, Uint8Array.from(blob));
    return id;
  }

  async getBlob(id: string) {
    const b = this.blobs.get(id);
    if (!b) throw new Error(`no blob ${id}`);
    return Uint8Array.from(b);
  }
}
