// The Vigil client: MLS conversations whose relay never sees plaintext, with franking (verifiable
// reports), source records (a forwarded item can be traced to its author on a verified report),
// forward counters and limits, committing attachments, disappearing messages and report building.
import { createApplicationMessage, createCommit, createGroup, decodeGroupState, emptyPskIndex, encodeGroupState, joinGroup, processPrivateMessage, processPublicMessage, zeroOutUint8Array, type ClientState, type KeyPackage, type PrivateKeyPackage, type Proposal } from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import {
  decryptAttachment, encryptAttachment, encodeSourceRecord, frankingCommitment, newFrankingKey, randomBytes, sourceCommit, verifyOpening, verifySourceRecord, decodeSourceRecord, bytesToHex, equalBytes,
  type FrankedContent, type ReportingContext,
} from '@vigil/crypto';
import { cipherSuite, decodeMessage, encodeMessage, membersOf, newKeyPackage } from './mls.ts';
import { b64, decodeAuthenticatedData, decodePayload, encodeAuthenticatedData, encodePayload, unb64, type AttachmentPayload, type MessagePayload, type SourceRecordJson } from './payload.ts';
import type { Envelope, RelayTransport } from './transport.ts';

export const FORWARDED_MANY_TIMES = 5;
export const MAX_FORWARD_CHATS = 5;
export const DEFAULT_REPORT_CONTEXT = 5;

export class ForwardLimitError extends Error {
  override name = 'ForwardLimitError';
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  senderId: string;
  body: string;
  attachments: AttachmentPayload[];
  frankingKey: Uint8Array;
  context: ReportingContext;
  tag: string;
  /** For an original, its own source record; for a forward, the original's (kept unchanged). */
  source: SourceRecordJson;
  hops: number;
  sentAt: number;
  expiresAt: number | null;
}

export interface Dropped {
  envelopeId: string;
  from: string;
  reason: string;
}

interface Conversation {
  state: ClientState;
  ttlSeconds: number | null;
}

export class VigilClient {
  private keyPackages: { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }[] = [];
  private conversations = new Map<string, Conversation>();
  private messages: StoredMessage[] = [];
  /** Envelope ids already processed (bounded: the most recent 10,000). */
  private seen = new Set<string>();
  readonly dropped: Dropped[] = [];

  constructor(
    readonly userId: string,
    private readonly transport: RelayTransport,
    private readonly o: { relaySourcePublicKey: Uint8Array; now?: () => number },
  ) {}

  private now() {
    return this.o.now ? this.o.now() : Date.now();
  }

  /**
   * Everything the client holds, for saving between runs (the CLI keeps it in a file readable by the
   * user only): MLS group states and private key packages are secrets.
   */
  exportState(): string {
    const enc = (b: Uint8Array) => b64(b);
    return JSON.stringify({
      v: 1, userId: this.userId,
      keyPackages: this.keyPackages.map((k) => ({ pub: enc(encodeMessage({ keyPackage: k.publicPackage, wireformat: 'mls_key_package', version: 'mls10' })), init: enc(k.privatePackage.initPrivateKey), hpke: enc(k.privatePackage.hpkePrivateKey), sig: enc(k.privatePackage.signaturePrivateKey) })),
      conversations: [...this.conversations].map(([id, c]) => ({ id, state: enc(encodeGroupState(c.state)), ttl: c.ttlSeconds })),
      messages: this.messages.map((m) => ({ ...m, frankingKey: enc(m.frankingKey) })),
      seen: [...this.seen].slice(-10_000),
    });
  }

  static importState(json: string, transport: RelayTransport, o: { relaySourcePublicKey: Uint8Array; now?: () => number }): VigilClient {
    const s = JSON.parse(json) as { v: number; userId: string; keyPackages: { pub: string; init: string; hpke: string; sig: string }[]; conversations: { id: string; state: string; ttl: number | null }[]; messages: (Omit<StoredMessage, 'frankingKey'> & { frankingKey: string })[] };
    if (s.v !== 1) throw new TypeError('unknown client state version');
    const c = new VigilClient(s.userId, transport, o);
    c.keyPackages = s.keyPackages.map((k) => {
      const m = decodeMessage(unb64(k.pub));
      if (m.wireformat !== 'mls_key_package') throw new TypeError('corrupt saved key package');
      return { publicPackage: m.keyPackage, privatePackage: { initPrivateKey: unb64(k.init), hpkePrivateKey: unb64(k.hpke), signaturePrivateKey: unb64(k.sig) } };
    });
    for (const conv of s.conversations) {
      const d = decodeGroupState(unb64(conv.state), 0);
      if (!d) throw new TypeError(`corrupt saved state for conversation ${conv.id}`);
      c.conversations.set(conv.id, { state: { ...d[0], clientConfig: defaultClientConfig }, ttlSeconds: conv.ttl });
    }
    c.messages = s.messages.map((m) => ({ ...m, frankingKey: unb64(m.frankingKey) }));
    c.seen = new Set((s as { seen?: string[] }).seen ?? []);
    return c;
  }

  /** Publishes fresh key packages so others can add this user to conversations. */
  async publishKeyPackages(n = 3): Promise<void> {
    for (let i = 0; i < n; i++) {
      const kp = await newKeyPackage(this.userId);
      this.keyPackages.push(kp);
      await this.transport.publishKeyPackage(this.userId, encodeMessage({ keyPackage: kp.publicPackage, wireformat: 'mls_key_package', version: 'mls10' }));
    }
  }

  conversationIds(): string[] {
    return [...this.conversations.keys()];
  }

  members(conversationId: string): string[] {
    return membersOf(this.conv(conversationId).state).map((m) => m.userId);
  }

  epoch(conversationId: string): number {
    return Number(this.conv(conversationId).state.groupContext.epoch);
  }

  private conv(id: string): Conversation {
    const c = this.conversations.get(id);
    if (!c) throw new Error(`not a member of conversation ${id}`);
    return c;
  }

  private async keyPackageOf(userId: string): Promise<KeyPackage> {
    const m = decodeMessage(await this.transport.fetchKeyPackage(userId));
    if (m.wireformat !== 'mls_key_package') throw new TypeError(`the directory returned no key package for ${userId}`);
    return m.keyPackage;
  }

  /** A 1:1 or group conversation with these members (the creator included automatically). */
  async createConversation(memberIds: string[], o: { ttlSeconds?: number } = {}): Promise<string> {
    if (!this.keyPackages.length) await this.publishKeyPackages(1);
    const cs = await cipherSuite();
    const id = bytesToHex(randomBytes(16));
    const own = this.keyPackages[0]!;
    let state = await createGroup(new TextEncoder().encode(id), own.publicPackage, own.privatePackage, [], cs);
    this.conversations.set(id, { state, ttlSeconds: o.ttlSeconds ?? null });
    if (memberIds.length) await this.addMembers(id, memberIds);
    return id;
  }

  async addMembers(conversationId: string, userIds: string[]): Promise<void> {
    const c = this.conv(conversationId);
    const cs = await cipherSuite();
    const existing = this.members(conversationId).filter((u) => u !== this.userId);
    const proposals: Proposal[] = [];
    for (const u of userIds) proposals.push({ proposalType: 'add', add: { keyPackage: await this.keyPackageOf(u) } });
    const r = await createCommit({ state: c.state, cipherSuite: cs }, { extraProposals: proposals, ratchetTreeExtension: true });
    r.consumed.forEach(zeroOutUint8Array);
    c.state = r.newState;
    if (existing.length) await this.transport.send({ id: bytesToHex(randomBytes(12)), conversationId, kind: 'commit', from: this.userId, to: existing, data: encodeMessage(r.commit) });
    await this.transport.send({ id: bytesToHex(randomBytes(12)), conversationId, kind: 'welcome', from: this.userId, to: userIds, data: encodeMessage({ welcome: r.welcome!, wireformat: 'mls_welcome', version: 'mls10' }) });
  }

  /** Removes a member; the commit moves the group to a new epoch the removed member cannot read. */
  async removeMember(conversationId: string, userId: string): Promise<void> {
    const c = this.conv(conversationId);
    const leaf = membersOf(c.state).find((m) => m.userId === userId);
    if (!leaf) throw new Error(`${userId} is not in conversation ${conversationId}`);
    const r = await createCommit({ state: c.state, cipherSuite: await cipherSuite() }, { extraProposals: [{ proposalType: 'remove', remove: { removed: leaf.leafIndex } }] });
    r.consumed.forEach(zeroOutUint8Array);
    c.state = r.newState;
    const rest = this.members(conversationId).filter((u) => u !== this.userId);
    if (rest.length) await this.transport.send({ id: bytesToHex(randomBytes(12)), conversationId, kind: 'commit', from: this.userId, to: rest, data: encodeMessage(r.commit) });
  }

  setDisappearing(conversationId: string, ttlSeconds: number | null): void {
    this.conv(conversationId).ttlSeconds = ttlSeconds;
  }

  /** Sends text and attachments; attachments are encrypted (committing) and uploaded as blobs. */
  async send(conversationId: string, body: string, attachments: { bytes: Uint8Array; mime: string }[] = []): Promise<string> {
    const refs: AttachmentPayload[] = [];
    for (const a of attachments) {
      const enc = encryptAttachment(a.bytes);
      refs.push({ blob_id: await this.transport.putBlob(enc.blob), key: b64(enc.key), sha256: enc.sha256, size: a.bytes.length, mime: a.mime });
    }
    return this.sendPayload(conversationId, { body, attachments: refs, hops: 0 });
  }

  private async sendPayload(conversationId: string, m: { body: string; attachments: AttachmentPayload[]; hops: number; original?: SourceRecordJson }): Promise<string> {
    const c = this.conv(conversationId);
    const cs = await cipherSuite();
    const kf = newFrankingKey();
    const content = contentOf(m.body, m.attachments);
    const { comm, r } = sourceCommit(content);
    const now = this.now();
    const payload: MessagePayload = { v: 1, id: bytesToHex(randomBytes(12)), body: m.body, attachments: m.attachments, kf: b64(kf), r: b64(r), hops: m.hops, ...(m.original ? { original: m.original } : {}), sent_at: now, ...(c.ttlSeconds ? { ttl_s: c.ttlSeconds } : {}) };
    const res = await createApplicationMessage(c.state, encodePayload(payload), cs, encodeAuthenticatedData(frankingCommitment(kf, content), comm));
    res.consumed.forEach(zeroOutUint8Array);
    c.state = res.newState;
    const to = this.members(conversationId).filter((u) => u !== this.userId);
    await this.transport.send({ id: payload.id, conversationId, kind: 'application', from: this.userId, to, data: encodeMessage({ privateMessage: res.privateMessage, wireformat: 'mls_private_message', version: 'mls10' }), ...(c.ttlSeconds ? { expiresAt: now + c.ttlSeconds * 1000 } : {}) });
    return payload.id;
  }

  /** Fetches and processes everything the relay holds for this user. */
  async sync(): Promise<StoredMessage[]> {
    const got: StoredMessage[] = [];
    const envelopes = await this.transport.receive(this.userId);
    for (const e of envelopes) {
      // Delivery is at least once: an envelope seen before (a lost acknowledgement) is skipped.
      if (this.seen.has(e.id)) continue;
      this.seen.add(e.id);
      try {
        const m = await this.process(e);
        if (m) got.push(m);
      } catch (err) {
        this.dropped.push({ envelopeId: e.id, from: e.from, reason: (err as Error).message });
      }
    }
    if (envelopes.length) await this.transport.ack?.(envelopes.map((e) => e.id));
    return got;
  }

  private async process(e: Envelope): Promise<StoredMessage | null> {
    if (e.kind === 'join') {
      // Someone joined by invite link: the group's owner adds them to the MLS group.
      if (this.conversations.has(e.conversationId) && !this.members(e.conversationId).includes(e.from)) await this.addMembers(e.conversationId, [e.from]);
      return null;
    }
    const cs = await cipherSuite();
    const m = decodeMessage(e.data);
    if (e.kind === 'welcome') {
      if (m.wireformat !== 'mls_welcome') throw new TypeError('expected a Welcome');
      for (const kp of this.keyPackages) {
        try {
          const state = await joinGroup(m.welcome, kp.publicPackage, kp.privatePackage, emptyPskIndex, cs);
          this.conversations.set(e.conversationId, { state, ttlSeconds: null });
          this.keyPackages = this.keyPackages.filter((k) => k !== kp);
          if (this.keyPackages.length < 2) await this.publishKeyPackages(2); // key packages are single-use
          return null;
        } catch {
          // not encrypted to this key package: try the next
        }
      }
      throw new Error('no key package of mine opens this Welcome');
    }
    const c = this.conv(e.conversationId);
    if (e.kind === 'commit') {
      const r = m.wireformat === 'mls_private_message' ? await processPrivateMessage(c.state, m.privateMessage, emptyPskIndex, cs) : m.wireformat === 'mls_public_message' ? await processPublicMessage(c.state, m.publicMessage, emptyPskIndex, cs) : null;
      if (!r) throw new TypeError('expected a commit');
      c.state = r.newState;
      r.consumed.forEach(zeroOutUint8Array);
      // A member that removed us leaves us with a group we can no longer read: forget it.
      if (!this.members(e.conversationId).includes(this.userId)) this.conversations.delete(e.conversationId);
      return null;
    }
    if (m.wireformat !== 'mls_private_message') throw new TypeError('expected an application message');
    const r = await processPrivateMessage(c.state, m.privateMessage, emptyPskIndex, cs);
    c.state = r.newState;
    r.consumed.forEach(zeroOutUint8Array);
    if (r.kind !== 'applicationMessage') throw new TypeError('expected an application message');
    const p = decodePayload(r.message);
    const ad = decodeAuthenticatedData(m.privateMessage.authenticatedData);
    const content = contentOf(p.body, p.attachments);
    const kf = unb64(p.kf);
    // A message whose commitment does not open could not be reported: drop it.
    if (!verifyOpening(ad.frankingCommitment, kf, content)) throw new Error('franking commitment does not open: message dropped');
    if (!e.relay) throw new Error('no relay stamp: message dropped');
    const own: SourceRecordJson = { comm: b64(ad.sourceComm), r: p.r, src: e.relay.src, sig: e.relay.sig };
    if (!equalBytes(sourceCommit(content, unb64(p.r)).comm, ad.sourceComm) || !verifySourceRecord(this.o.relaySourcePublicKey, decodeSourceRecord(own), content)) throw new Error('source record does not verify: message dropped');
    if (p.original && !verifySourceRecord(this.o.relaySourcePublicKey, decodeSourceRecord(p.original), content)) throw new Error("forward's original source record does not verify: message dropped");
    const stored: StoredMessage = {
      id: p.id, conversationId: e.conversationId, senderId: e.from, body: p.body, attachments: p.attachments, frankingKey: kf, context: e.relay.context, tag: e.relay.tag,
      source: p.original ?? own, hops: p.hops, sentAt: p.sent_at, expiresAt: p.ttl_s ? p.sent_at + p.ttl_s * 1000 : null,
    };
    this.messages.push(stored);
    return stored;
  }

  /** Messages of a conversation, oldest first; expired disappearing messages are deleted here. */
  history(conversationId: string): (StoredMessage & { label: '' | 'forwarded' | 'forwarded many times' })[] {
    const now = this.now();
    this.messages = this.messages.filter((m) => m.expiresAt === null || m.expiresAt > now);
    return this.messages.filter((m) => m.conversationId === conversationId).map((m) => ({ ...m, label: m.hops >= FORWARDED_MANY_TIMES ? 'forwarded many times' : m.hops >= 1 ? 'forwarded' : '' }));
  }

  async openAttachment(m: StoredMessage, index = 0): Promise<Uint8Array> {
    const a = m.attachments[index];
    if (!a) throw new RangeError('no such attachment');
    return decryptAttachment(await this.transport.getBlob(a.blob_id), unb64(a.key), a.sha256);
  }

  /** Forwards a received message: to at most 5 chats, and to 1 once it has been forwarded many times. */
  async forward(m: StoredMessage, toConversations: string[]): Promise<string[]> {
    const hops = m.hops + 1;
    const limit = m.hops >= FORWARDED_MANY_TIMES - 1 ? 1 : MAX_FORWARD_CHATS;
    if (toConversations.length > limit) throw new ForwardLimitError(`a message ${hops >= FORWARDED_MANY_TIMES ? 'forwarded many times' : 'forward'} goes to at most ${limit} chat${limit === 1 ? '' : 's'} at once`);
    const ids: string[] = [];
    for (const c of toConversations) ids.push(await this.sendPayload(c, { body: m.body, attachments: m.attachments, hops, original: m.source }));
    return ids;
  }

  /**
   * A report of chosen messages, with the previous `context` messages of the conversation, shaped as
   * `report.filed` evidence (version 1): plaintext, franking openings, relay tags, source records.
   */
  buildReport(conversationId: string, messageIds: string[], o: { context?: number } = {}) {
    const all = this.history(conversationId);
    const chosen = all.filter((m) => messageIds.includes(m.id));
    if (chosen.length !== messageIds.length) throw new Error('some reported messages are not in this conversation (or have expired)');
    const first = all.indexOf(chosen[0]!);
    const context = all.slice(Math.max(0, first - (o.context ?? DEFAULT_REPORT_CONTEXT)), first);
    const reveal = (m: StoredMessage, contextOnly: boolean) => ({
      message_id: m.id, conversation_id: m.conversationId, sender_id: m.context.senderId, epoch: m.context.epoch, timestamp: m.context.timestamp, key_id: m.context.keyId,
      body: m.body, attachments: m.attachments.map((a) => ({ blob_id: a.blob_id, key: a.key, sha256: a.sha256, size: a.size, mime: a.mime })),
      franking_key: b64(m.frankingKey), tag: m.tag, source: m.source, ...(contextOnly ? { context_only: true } : {}),
    });
    return { version: 1 as const, messages: [...context.map((m) => reveal(m, true)), ...chosen.map((m) => reveal(m, false))] };
  }
}

function contentOf(body: string, attachments: AttachmentPayload[]): FrankedContent {
  return { body, attachments: attachments.map((a) => ({ blobId: a.blob_id, key: unb64(a.key), sha256: a.sha256 })) };
}

export { encodeSourceRecord };
