// An in-process relay for tests and examples: a real implementation of the relay's side (key
// package directory, fan-out, reporting tags and source stamps via relayStamp, blobs, expiry),
// holding everything in memory.
import { bytesToHex, randomBytes } from '@vigil/crypto';
import { relayStamp, type RelayKeysForStamping } from '../relay-side.ts';
import type { Envelope, RelayTransport } from '../transport.ts';

export class MemoryRelay implements RelayTransport {
  private keyPackages = new Map<string, Uint8Array[]>();
  private queues = new Map<string, Envelope[]>();
  private blobs = new Map<string, Uint8Array>();
  /** Ciphertexts relayed, for tests that check the relay never saw plaintext. */
  readonly seen: Uint8Array[] = [];

  constructor(private readonly keys: RelayKeysForStamping, private readonly now: () => number = () => Date.now()) {}

  async publishKeyPackage(userId: string, kp: Uint8Array) {
    this.keyPackages.set(userId, [...(this.keyPackages.get(userId) ?? []), kp]);
  }

  async fetchKeyPackage(userId: string) {
    const list = this.keyPackages.get(userId) ?? [];
    const kp = list.shift(); // single use
    if (!kp) throw new Error(`no key package for ${userId}`);
    return kp;
  }

  async send(e: { id: string; conversationId: string; kind: Envelope['kind']; from: string; to: string[]; data: Uint8Array; expiresAt?: number }) {
    this.seen.push(e.data);
    const stamp = e.kind === 'application' ? relayStamp(this.keys, { conversationId: e.conversationId, senderId: e.from, messageId: e.id, data: e.data, now: this.now() }) : undefined;
    for (const u of e.to) this.queues.set(u, [...(this.queues.get(u) ?? []), { id: e.id, conversationId: e.conversationId, kind: e.kind, from: e.from, data: e.data, ...(stamp ? { relay: stamp } : {}), ...(e.expiresAt ? { expiresAt: e.expiresAt } : {}) }]);
  }

  /** Tests use this to deliver a tampered envelope, as a malicious sender's relay path would. */
  inject(userId: string, e: Envelope) {
    this.queues.set(userId, [...(this.queues.get(userId) ?? []), e]);
  }

  async receive(userId: string) {
    const q = (this.queues.get(userId) ?? []).filter((e) => !e.expiresAt || e.expiresAt > this.now()); // expired ciphertexts are dropped
    this.queues.set(userId, []);
    return q;
  }

  async putBlob(blob: Uint8Array) {
    const id = bytesToHex(randomBytes(16));
    this.blobs.set(id, blob);
    return id;
  }

  async getBlob(id: string) {
    const b = this.blobs.get(id);
    if (!b) throw new Error(`no blob ${id}`);
    return b;
  }
}
