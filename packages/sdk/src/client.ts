// The Vigil client: MLS conversations whose relay never sees plaintext, with franking (verifiable
// reports), source records (a forwarded item can be traced to its author on a verified report),
// forward counters and limits, committing attachments, disappearing messages and report building.
// Browser-safe: no Node APIs; the relay is whatever RelayTransport the caller injects.
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  emptyPskIndex,
  encodeGroupState,
  joinGroup,
  processPrivateMessage,
  processPublicMessage,
  zeroOutUint8Array,
  type ClientState,
  type IncomingMessageCallback,
  type KeyPackage,
  type Proposal,
} from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import {
  decryptAttachment,
  encryptAttachment,
  frankingCommitment,
  newFrankingKey,
  randomBytes,
  sourceCommit,
  verifyOpening,
  verifySourceRecord,
  decodeSourceRecord,
  bytesToHex,
  equalBytes,
  b64,
  unb64,
  type FrankedContent,
  type ReportingContext,
} from '@vigil/crypto';
import {
  decodeAuthenticatedData,
  encodeAuthenticatedData,
  type AttachmentPayload,
  type SourceRecordJson,
} from '@vigil/crypto/report';
import {
  cipherSuite,
  decodeKeyPackage,
  decodeMessage,
  encodeKeyPackage,
  encodeMessage,
  keyPackageUser,
  membersOf,
  newIdentity,
  newKeyPackage,
  userAtLeaf,
  type Identity,
  type KeyPackagePair,
} from './mls.ts';
import { decodePayload, encodePayload, type MessagePayload } from './payload.ts';
import { checkForward, forwardLabel, type ForwardLabel } from './forwarding.ts';
import { DEFAULT_REPORT_CONTEXT, REPORT_VERSION, type ReportV1, type RevealedMessageV1 } from './report.ts';
import type { Envelope, EnvelopeKind, RelayTransport, Subscription } from './transport.ts';
import { accountSecretFor, type PrivateMatching, type VoucherUpload } from './private-matching.ts';

export interface StoredMessage {
  id: string;
  conversationId: string;
  senderId: string;
  body: string;
  attachments: AttachmentPayload[];
  frankingKey: Uint8Array;
  /** The relay's delivery context and reporting tag (base64): what makes the message reportable. */
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

export interface ClientOptions {
  /** The relay's Ed25519 key that signs source records. */
  relaySourcePublicKey: Uint8Array;
  /** Injected clock (ms since the epoch), for tests and for disappearing messages. */
  now?: () => number;
  /** An existing MLS identity (signature key pair); a new one is made otherwise. */
  identity?: Identity;
}

interface Conversation {
  state: ClientState;
  ttlSeconds: number | null;
}

type SavedKeyPackage = { pub: string; init: string; hpke: string; sig: string };
const encPair = (k: KeyPackagePair): SavedKeyPackage => ({
  pub: b64(encodeKeyPackage(k.publicPackage)),
  init: b64(k.privatePackage.initPrivateKey),
  hpke: b64(k.privatePackage.hpkePrivateKey),
  sig: b64(k.privatePackage.signaturePrivateKey),
});
const decPair = (k: SavedKeyPackage): KeyPackagePair => ({
  publicPackage: decodeKeyPackage(unb64(k.pub)),
  privatePackage: { initPrivateKey: unb64(k.init), hpkePrivateKey: unb64(k.hpke), signaturePrivateKey: unb64(k.sig) },
});

const newId = () => bytesToHex(randomBytes(12));

export class VigilClient {
  private identity: Identity | null;
  private keyPackages: KeyPackagePair[] = [];
  /** The last-resort key package (RFC 9420 §16.8): opens Welcomes after the one-time ones ran out; kept after use. */
  private lastResort: KeyPackagePair | null = null;
  private lastTopUpCheck = 0;
  private conversations = new Map<string, Conversation>();
  private messages: StoredMessage[] = [];
  /** Envelope ids already processed (bounded: the most recent 10,000). */
  private seen = new Set<string>();
  private busy: Promise<unknown> = Promise.resolve();
  private matching: PrivateMatching | null = null;
  /** This account's private-matching threshold secret (encoded), kept across runs. */
  private psiAccount: string | null = null;
  private publicConversations = new Set<string>();
  /** Envelopes that were refused, with the reason (a forged commitment, a bad stamp, not decryptable…). */
  readonly dropped: Dropped[] = [];

  constructor(
    readonly userId: string,
    private readonly transport: RelayTransport,
    private readonly o: ClientOptions,
  ) {
    this.identity = o.identity ?? null;
    if (this.identity && this.identity.userId !== userId) throw new TypeError('the identity belongs to another user');
  }

  private now() {
    return this.o.now ? this.o.now() : Date.now();
  }

  private async ident(): Promise<Identity> {
    this.identity ??= await newIdentity(this.userId);
    return this.identity;
  }

  /** The Ed25519 public key in this user's MLS credential leaves. */
  async signaturePublicKey(): Promise<Uint8Array> {
    return (await this.ident()).signaturePublicKey;
  }

  /**
   * Everything the client holds, for saving between runs (the CLI keeps it in a file readable by the
   * user only): the identity key, MLS group states and private key packages are secrets.
   */
  exportState(): string {
    const enc = (b: Uint8Array) => b64(b);
    return JSON.stringify({
      v: 1,
      userId: this.userId,
      ...(this.identity
        ? { identity: { pub: enc(this.identity.signaturePublicKey), priv: enc(this.identity.signaturePrivateKey) } }
        : {}),
      keyPackages: this.keyPackages.map(encPair),
      ...(this.lastResort ? { lastResort: encPair(this.lastResort) } : {}),
      conversations: [...this.conversations].map(([id, c]) => ({
        id,
        state: enc(encodeGroupState(c.state)),
        ttl: c.ttlSeconds,
      })),
      messages: this.messages.map((m) => ({ ...m, frankingKey: enc(m.frankingKey) })),
      seen: [...this.seen].slice(-10_000),
      ...(this.psiAccount ? { psiAccount: this.psiAccount } : {}),
      ...(this.publicConversations.size ? { publicConversations: [...this.publicConversations] } : {}),
    });
  }

  static importState(json: string, transport: RelayTransport, o: ClientOptions): VigilClient {
    const s = JSON.parse(json) as {
      v: number;
      userId: string;
      identity?: { pub: string; priv: string };
      keyPackages: SavedKeyPackage[];
      lastResort?: SavedKeyPackage;
      conversations: { id: string; state: string; ttl: number | null }[];
      messages: (Omit<StoredMessage, 'frankingKey'> & { frankingKey: string })[];
      seen?: string[];
      psiAccount?: string;
      publicConversations?: string[];
    };
    if (s.v !== 1) throw new TypeError('unknown client state version');
    // State saved before identities existed has none: a new one signs future key packages.
    const identity = s.identity
      ? { userId: s.userId, signaturePublicKey: unb64(s.identity.pub), signaturePrivateKey: unb64(s.identity.priv) }
      : o.identity;
    const c = new VigilClient(s.userId, transport, { ...o, ...(identity ? { identity } : {}) });
    c.keyPackages = s.keyPackages.map(decPair);
    c.lastResort = s.lastResort ? decPair(s.lastResort) : null;
    for (const conv of s.conversations) {
      const d = decodeGroupState(unb64(conv.state), 0);
      if (!d) throw new TypeError(`corrupt saved state for conversation ${conv.id}`);
      c.conversations.set(conv.id, { state: { ...d[0], clientConfig: defaultClientConfig }, ttlSeconds: conv.ttl });
    }
    c.messages = s.messages.map((m) => ({ ...m, frankingKey: unb64(m.frankingKey) }));
    c.seen = new Set(s.seen ?? []);
    c.psiAccount = s.psiAccount ?? null;
    c.publicConversations = new Set(s.publicConversations ?? []);
    return c;
  }

  /**
   * Publishes fresh single-use key packages (signed by the identity key) so others can add this user, and a
   * last-resort package the first time, so that draining the one-time packages never locks the user out.
   */
  async publishKeyPackages(n = 3): Promise<void> {
    const id = await this.ident();
    if (!this.lastResort) {
      const kp = await newKeyPackage(id, { lastResort: true });
      await this.transport.publishKeyPackage(this.userId, encodeKeyPackage(kp.publicPackage), { lastResort: true });
      this.lastResort = kp;
    }
    for (let i = 0; i < n; i++) {
      const kp = await newKeyPackage(id);
      this.keyPackages.push(kp);
      await this.transport.publishKeyPackage(this.userId, encodeKeyPackage(kp.publicPackage));
    }
  }

  /**
   * Tops the directory up to `target` one-time packages when fewer than `min` are left (others may have
   * taken them without inviting us anywhere). Asks the relay at most once a minute; sync() calls it.
   */
  async topUpKeyPackages(o: { min?: number; target?: number; force?: boolean } = {}): Promise<number> {
    if (!this.transport.keyPackageStatus || !this.identity) return 0;
    if (!o.force && this.now() - this.lastTopUpCheck < 60_000) return 0;
    this.lastTopUpCheck = this.now();
    const s = await this.transport.keyPackageStatus(this.userId);
    const min = o.min ?? 2;
    const target = o.target ?? 5;
    const n = s.oneTime < min ? target - s.oneTime : 0;
    if (!s.lastResort) this.lastResort = null; // the directory lost it: publish a new one
    if (n > 0 || !s.lastResort) await this.publishKeyPackages(Math.max(0, n));
    // Packages the directory no longer holds were taken; their private halves stay until a Welcome uses them.
    return n;
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

  disappearingTimer(conversationId: string): number | null {
    return this.conv(conversationId).ttlSeconds;
  }

  /**
   * Turns private matching on (or off, with null) under the operator's policy and a verified table:
   * attachments sent into conversations in scope then carry vouchers (see private-matching.ts).
   */
  setPrivateMatching(pm: PrivateMatching | null): void {
    if (pm?.table && !this.transport.putVouchers) throw new TypeError('this transport cannot submit vouchers');
    this.matching = pm;
    if (pm?.table) this.psiAccount = accountSecretFor(this.psiAccount, pm.table.threshold).saved;
  }

  /** Marks a conversation as public (joinable by an invite link): "large groups" scope covers it whatever its size. */
  markPublic(conversationId: string, isPublic = true): void {
    if (isPublic) this.publicConversations.add(conversationId);
    else this.publicConversations.delete(conversationId);
  }

  private conv(id: string): Conversation {
    const c = this.conversations.get(id);
    if (!c) throw new Error(`not a member of conversation ${id}`);
    return c;
  }

  private async keyPackageOf(userId: string): Promise<KeyPackage> {
    const kp = decodeKeyPackage(await this.transport.fetchKeyPackage(userId));
    // The directory must not slip in someone else's key package.
    if (keyPackageUser(kp) !== userId)
      throw new Error(`the directory returned a key package of "${keyPackageUser(kp)}" for ${userId}`);
    return kp;
  }

  private async post(
    conversationId: string,
    kind: EnvelopeKind,
    to: string[],
    data: Uint8Array,
    extra: { id?: string; expiresAt?: number } = {},
  ) {
    if (!to.length) return;
    await this.transport.send({
      id: extra.id ?? newId(),
      conversationId,
      kind,
      from: this.userId,
      to,
      data,
      ...(extra.expiresAt ? { expiresAt: extra.expiresAt } : {}),
    });
  }

  private others(conversationId: string) {
    return this.members(conversationId).filter((u) => u !== this.userId);
  }

  /** A 1:1 (one other member) or group conversation; the creator is included automatically. */
  createConversation(memberIds: string[], o: { ttlSeconds?: number } = {}): Promise<string> {
    return this.serially(() => this.createConversationNow(memberIds, o));
  }

  private async createConversationNow(memberIds: string[], o: { ttlSeconds?: number }): Promise<string> {
    const own = await newKeyPackage(await this.ident()); // our own leaf: never published, never reused
    const id = bytesToHex(randomBytes(16));
    const state = await createGroup(
      new TextEncoder().encode(id),
      own.publicPackage,
      own.privatePackage,
      [],
      await cipherSuite(),
    );
    this.conversations.set(id, { state, ttlSeconds: o.ttlSeconds ?? null });
    if (memberIds.length) await this.addMembersNow(id, memberIds);
    return id;
  }

  /** One commit adding everyone: current members get the commit, new ones a Welcome (with the tree). */
  addMembers(conversationId: string, userIds: string[]): Promise<void> {
    return this.serially(() => this.addMembersNow(conversationId, userIds));
  }

  private async addMembersNow(conversationId: string, userIds: string[]): Promise<void> {
    const c = this.conv(conversationId);
    const existing = this.others(conversationId);
    const proposals: Proposal[] = [];
    for (const u of userIds) proposals.push({ proposalType: 'add', add: { keyPackage: await this.keyPackageOf(u) } });
    const r = await createCommit(
      { state: c.state, cipherSuite: await cipherSuite() },
      { extraProposals: proposals, ratchetTreeExtension: true },
    );
    r.consumed.forEach(zeroOutUint8Array);
    c.state = r.newState;
    await this.post(conversationId, 'commit', existing, encodeMessage(r.commit));
    await this.post(
      conversationId,
      'welcome',
      userIds,
      encodeMessage({ welcome: r.welcome!, wireformat: 'mls_welcome', version: 'mls10' }),
    );
    // Newcomers learn the conversation's disappearing timer like everyone else: from a control message.
    if (c.ttlSeconds)
      await this.sendPayload(conversationId, { body: '', attachments: [], hops: 0, setTimer: c.ttlSeconds });
  }

  /**
   * Removes a member. The commit moves the group to a new epoch with fresh keys along the removed
   * leaf's path, so the removed member cannot read anything sent afterwards. The removed member gets
   * the commit too, to learn it is out.
   */
  removeMember(conversationId: string, userId: string): Promise<void> {
    return this.serially(() => this.removeMemberNow(conversationId, userId));
  }

  private async removeMemberNow(conversationId: string, userId: string): Promise<void> {
    const c = this.conv(conversationId);
    const leaf = membersOf(c.state).find((m) => m.userId === userId);
    if (!leaf) throw new Error(`${userId} is not in conversation ${conversationId}`);
    const r = await createCommit(
      { state: c.state, cipherSuite: await cipherSuite() },
      { extraProposals: [{ proposalType: 'remove', remove: { removed: leaf.leafIndex } }] },
    );
    r.consumed.forEach(zeroOutUint8Array);
    c.state = r.newState;
    await this.post(conversationId, 'commit', [...this.others(conversationId), userId], encodeMessage(r.commit));
  }

  /** An empty commit with a fresh path: new epoch secrets (post-compromise security for this member). */
  updateKeys(conversationId: string): Promise<void> {
    return this.serially(() => this.updateKeysNow(conversationId));
  }

  private async updateKeysNow(conversationId: string): Promise<void> {
    const c = this.conv(conversationId);
    const r = await createCommit({ state: c.state, cipherSuite: await cipherSuite() });
    r.consumed.forEach(zeroOutUint8Array);
    c.state = r.newState;
    await this.post(conversationId, 'commit', this.others(conversationId), encodeMessage(r.commit));
  }

  /** Sets the conversation's disappearing timer (null: off) for every member, by a control message. */
  setDisappearing(conversationId: string, ttlSeconds: number | null): Promise<void> {
    return this.serially(() => this.setDisappearingNow(conversationId, ttlSeconds));
  }

  private async setDisappearingNow(conversationId: string, ttlSeconds: number | null): Promise<void> {
    if (ttlSeconds !== null && (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0))
      throw new RangeError('a disappearing timer is a positive number of seconds');
    const c = this.conv(conversationId);
    c.ttlSeconds = ttlSeconds;
    await this.sendPayload(conversationId, { body: '', attachments: [], hops: 0, setTimer: ttlSeconds ?? 0 });
  }

  /** Sends text and attachments; attachments are encrypted (committing) and uploaded as blobs. */
  send(
    conversationId: string,
    body: string,
    attachments: { bytes: Uint8Array; mime: string; pdq?: string }[] = [],
  ): Promise<string> {
    return this.serially(() => this.sendNow(conversationId, body, attachments));
  }

  private async sendNow(
    conversationId: string,
    body: string,
    attachments: { bytes: Uint8Array; mime: string; pdq?: string }[],
  ): Promise<string> {
    this.conv(conversationId);
    const refs: AttachmentPayload[] = [];
    const pdqs = new Map<string, string>();
    for (const a of attachments) {
      const enc = encryptAttachment(a.bytes); // a fresh key per attachment: blobs are never shared across keys
      refs.push({
        blob_id: await this.transport.putBlob(enc.blob),
        key: b64(enc.key),
        sha256: enc.sha256,
        size: a.bytes.length,
        mime: a.mime,
      });
      if (a.pdq) pdqs.set(refs.at(-1)!.blob_id, a.pdq);
    }
    return this.sendPayload(conversationId, { body, attachments: refs, hops: 0 }, pdqs);
  }

  /** Vouchers for the attachments of a message just sent, when the conversation is in the operator's scope. */
  private async submitVouchers(conversationId: string, attachments: AttachmentPayload[], pdqs: Map<string, string>) {
    const pm = this.matching;
    if (
      !attachments.length ||
      !pm?.table ||
      !pm.applies(this.members(conversationId).length, this.publicConversations.has(conversationId))
    )
      return;
    const { secret } = accountSecretFor(this.psiAccount, pm.table.threshold);
    const vouchers: VoucherUpload[] = [];
    for (const a of attachments) {
      const v = pm.voucherFor(secret, a, pdqs.get(a.blob_id));
      if (v) vouchers.push({ conversationId, blobId: a.blob_id, tableVersion: pm.table.version, voucher: v });
    }
    if (vouchers.length) await this.transport.putVouchers!(vouchers);
  }

  private async sendPayload(
    conversationId: string,
    m: { body: string; attachments: AttachmentPayload[]; hops: number; original?: SourceRecordJson; setTimer?: number },
    pdqs = new Map<string, string>(),
  ): Promise<string> {
    const c = this.conv(conversationId);
    const kf = newFrankingKey();
    const content = contentOf(m.body, m.attachments);
    const { comm, r } = sourceCommit(content);
    const now = this.now();
    const ttl = m.setTimer === undefined ? c.ttlSeconds : null;
    const payload: MessagePayload = {
      v: 1,
      id: newId(),
      body: m.body,
      attachments: m.attachments,
      kf: b64(kf),
      r: b64(r),
      hops: m.hops,
      sent_at: now,
      ...(m.original ? { original: m.original } : {}),
      ...(ttl ? { ttl_s: ttl } : {}),
      ...(m.setTimer !== undefined ? { set_timer_s: m.setTimer } : {}),
    };
    // The franking commitment rides in MLS authenticated_data: the relay sees it, and it is bound to the ciphertext.
    const res = await createApplicationMessage(
      c.state,
      encodePayload(payload),
      await cipherSuite(),
      encodeAuthenticatedData(frankingCommitment(kf, content), comm),
    );
    res.consumed.forEach(zeroOutUint8Array);
    c.state = res.newState;
    const data = encodeMessage({
      privateMessage: res.privateMessage,
      wireformat: 'mls_private_message',
      version: 'mls10',
    });
    await this.post(conversationId, 'application', this.others(conversationId), data, {
      id: payload.id,
      ...(ttl ? { expiresAt: now + ttl * 1000 } : {}),
    });
    await this.submitVouchers(conversationId, m.attachments, pdqs); // forwards too: a forwarded known file is byte-identical
    return payload.id;
  }

  /** Fetches and processes everything the relay holds for this user; returns the new messages. */
  async sync(): Promise<StoredMessage[]> {
    return this.serially(async () => {
      const got = await this.handle(await this.transport.receive(this.userId));
      await this.topUpKeyPackages();
      return got;
    });
  }

  /**
   * Push delivery: processes envelopes as the relay pushes them (a WebSocket with the reference
   * relay) and hands the new messages to `onMessages`; the batch is acknowledged only after it
   * returns (or its promise resolves), so saving state there makes a crash cost a redelivery, never
   * a message. Close the subscription to stop.
   */
  listen(onMessages: (m: StoredMessage[]) => void | Promise<void>, onError?: (e: Error) => void): Subscription {
    if (!this.transport.subscribe) throw new TypeError('this transport has no push delivery: call sync()');
    return this.transport.subscribe(
      this.userId,
      (envelopes) =>
        this.serially(() =>
          this.handle(envelopes, async (got) => {
            if (got.length) await onMessages(got);
          }),
        ).then(() => undefined),
      onError,
    );
  }

  /**
   * One operation at a time: each moves MLS state forward (epochs, ratchets), so a pushed batch must
   * not interleave with a send or a commit. Public methods queue here; their *Now bodies do the work.
   */
  private serially<T>(f: () => Promise<T>): Promise<T> {
    const run = this.busy.then(f);
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async handle(
    envelopes: Envelope[],
    beforeAck?: (got: StoredMessage[]) => Promise<void>,
  ): Promise<StoredMessage[]> {
    const got: StoredMessage[] = [];
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
    if (this.seen.size > 20_000) this.seen = new Set([...this.seen].slice(-10_000));
    await beforeAck?.(got);
    if (envelopes.length) await this.transport.ack?.(envelopes.map((e) => e.id));
    this.purgeExpired();
    return got;
  }

  private async process(e: Envelope): Promise<StoredMessage | null> {
    if (e.kind === 'join') {
      // Someone joined by invite link: the group's owner adds them to the MLS group.
      if (this.conversations.has(e.conversationId) && !this.members(e.conversationId).includes(e.from))
        await this.addMembersNow(e.conversationId, [e.from]);
      return null;
    }
    const m = decodeMessage(e.data);
    if (e.kind === 'welcome') return this.processWelcome(e, m);
    if (e.kind === 'commit') return this.processCommit(e, m);
    return this.processApplication(e, m);
  }

  private async processWelcome(e: Envelope, m: ReturnType<typeof decodeMessage>): Promise<null> {
    if (m.wireformat !== 'mls_welcome') throw new TypeError('expected a Welcome');
    const cs = await cipherSuite();
    for (const kp of this.lastResort ? [...this.keyPackages, this.lastResort] : this.keyPackages) {
      let state: ClientState;
      try {
        state = await joinGroup(m.welcome, kp.publicPackage, kp.privatePackage, emptyPskIndex, cs);
      } catch {
        continue; // not encrypted to this key package: try the next
      }
      this.keyPackages = this.keyPackages.filter((k) => k !== kp); // single use (the last-resort one stays)
      if (!membersOf(state).some((x) => x.userId === e.from))
        throw new Error(`a Welcome from ${e.from}, who is not in the group`);
      this.conversations.set(e.conversationId, { state, ttlSeconds: null });
      if (this.keyPackages.length < 2) await this.publishKeyPackages(2);
      return null;
    }
    throw new Error('no key package of mine opens this Welcome');
  }

  private async processCommit(e: Envelope, m: ReturnType<typeof decodeMessage>): Promise<null> {
    const c = this.conv(e.conversationId);
    const cs = await cipherSuite();
    // The member who signed the commit must be the account the relay says sent it.
    let signer = null as string | null;
    const check: IncomingMessageCallback = (i) => {
      if (i.kind !== 'commit') return 'accept';
      signer = i.senderLeafIndex === undefined ? null : userAtLeaf(c.state, i.senderLeafIndex);
      return signer === e.from ? 'accept' : 'reject';
    };
    const r =
      m.wireformat === 'mls_private_message'
        ? await processPrivateMessage(c.state, m.privateMessage, emptyPskIndex, cs, check)
        : m.wireformat === 'mls_public_message'
          ? await processPublicMessage(c.state, m.publicMessage, emptyPskIndex, cs, check)
          : null;
    if (!r || !('actionTaken' in r)) throw new TypeError('expected a commit');
    if (r.actionTaken === 'reject')
      throw new Error(`a commit signed by ${signer ?? 'a non-member'} arrived as from ${e.from}`);
    c.state = r.newState;
    r.consumed.forEach(zeroOutUint8Array);
    // A commit that removed us leaves a group we can no longer read: forget it.
    if (!this.members(e.conversationId).includes(this.userId)) this.conversations.delete(e.conversationId);
    return null;
  }

  private async processApplication(e: Envelope, m: ReturnType<typeof decodeMessage>): Promise<StoredMessage | null> {
    if (m.wireformat !== 'mls_private_message') throw new TypeError('expected an application message');
    const c = this.conv(e.conversationId);
    const r = await processPrivateMessage(c.state, m.privateMessage, emptyPskIndex, await cipherSuite());
    c.state = r.newState;
    r.consumed.forEach(zeroOutUint8Array);
    if (r.kind !== 'applicationMessage') throw new TypeError('expected an application message');
    const p = decodePayload(r.message);
    const ad = decodeAuthenticatedData(m.privateMessage.authenticatedData);
    const content = contentOf(p.body, p.attachments);
    const kf = unb64(p.kf);
    // A message whose commitment does not open could not be reported: drop it (receiver binding).
    if (!verifyOpening(ad.frankingCommitment, kf, content))
      throw new Error('franking commitment does not open: message dropped');
    if (!e.relay) throw new Error('no relay stamp: message dropped');
    const ctx = e.relay.context;
    // The tag is only useful in a report if its context is this very delivery.
    if (
      ctx.conversationId !== e.conversationId ||
      ctx.senderId !== e.from ||
      ctx.recipientId !== this.userId ||
      ctx.messageId !== p.id ||
      ctx.epoch !== Number(m.privateMessage.epoch)
    )
      throw new Error('relay stamp is for another delivery: message dropped');
    const own: SourceRecordJson = { comm: b64(ad.sourceComm), r: p.r, src: e.relay.src, sig: e.relay.sig };
    if (
      !equalBytes(sourceCommit(content, unb64(p.r)).comm, ad.sourceComm) ||
      !verifySourceRecord(this.o.relaySourcePublicKey, decodeSourceRecord(own), content)
    )
      throw new Error('source record does not verify: message dropped');
    if (p.original && !verifySourceRecord(this.o.relaySourcePublicKey, decodeSourceRecord(p.original), content))
      throw new Error("forward's original source record does not verify: message dropped");
    if (p.set_timer_s !== undefined) {
      c.ttlSeconds = p.set_timer_s || null;
      return null;
    }
    // Expiry counts from the relay's clock (shared by all members), with the sender's or our own timer.
    const ttl = p.ttl_s ?? c.ttlSeconds;
    const expiresAt = ttl ? ctx.timestamp + ttl * 1000 : null;
    if (expiresAt !== null && expiresAt <= this.now()) throw new Error('expired before it was read: message dropped');
    const stored: StoredMessage = {
      id: p.id,
      conversationId: e.conversationId,
      senderId: e.from,
      body: p.body,
      attachments: p.attachments,
      frankingKey: kf,
      context: ctx,
      tag: e.relay.tag,
      source: p.original ?? own,
      hops: p.hops,
      sentAt: p.sent_at,
      expiresAt,
    };
    this.messages.push(stored);
    return stored;
  }

  private purgeExpired() {
    const now = this.now();
    this.messages = this.messages.filter((m) => m.expiresAt === null || m.expiresAt > now);
  }

  /** Received messages of a conversation, oldest first; expired disappearing messages are deleted here. */
  history(conversationId: string): (StoredMessage & { label: ForwardLabel })[] {
    this.purgeExpired();
    return this.messages
      .filter((m) => m.conversationId === conversationId)
      .map((m) => ({ ...m, label: forwardLabel(m.hops) }));
  }

  async openAttachment(m: StoredMessage, index = 0): Promise<Uint8Array> {
    const a = m.attachments[index];
    if (!a) throw new RangeError('no such attachment');
    return decryptAttachment(await this.transport.getBlob(a.blob_id), unb64(a.key), a.sha256);
  }

  /**
   * Forwards a received message with its hop count raised and the original's source record inside:
   * to at most 5 chats, and to 1 once it has been forwarded many times (ForwardLimitError otherwise).
   */
  forward(m: StoredMessage, toConversations: string[]): Promise<string[]> {
    return this.serially(() => this.forwardNow(m, toConversations));
  }

  private async forwardNow(m: StoredMessage, toConversations: string[]): Promise<string[]> {
    checkForward(m.hops, toConversations.length);
    for (const c of toConversations) this.conv(c);
    const ids: string[] = [];
    for (const c of toConversations)
      ids.push(
        await this.sendPayload(c, { body: m.body, attachments: m.attachments, hops: m.hops + 1, original: m.source }),
      );
    return ids;
  }

  /**
   * A report of chosen messages with the `context` (default 5) messages before the first of them,
   * shaped as `report.filed` evidence: plaintext, franking openings, relay tags, source records.
   */
  buildReport(conversationId: string, messageIds: string[], o: { context?: number } = {}): ReportV1 {
    if (!messageIds.length) throw new RangeError('pick at least one message to report');
    const all = this.history(conversationId);
    const chosen = all.filter((m) => messageIds.includes(m.id));
    if (chosen.length !== new Set(messageIds).size)
      throw new Error('some reported messages are not in this conversation (or have expired)');
    const first = all.indexOf(chosen[0]!);
    const context = all.slice(Math.max(0, first - (o.context ?? DEFAULT_REPORT_CONTEXT)), first);
    const reveal = (m: StoredMessage, contextOnly: boolean): RevealedMessageV1 => ({
      message_id: m.id,
      conversation_id: m.conversationId,
      sender_id: m.context.senderId,
      recipient_id: m.context.recipientId,
      epoch: m.context.epoch,
      timestamp: m.context.timestamp,
      key_id: m.context.keyId,
      body: m.body,
      attachments: m.attachments.map((a) => ({ ...a })),
      franking_key: b64(m.frankingKey),
      tag: m.tag,
      source: m.source,
      hops: m.hops,
      sent_at: m.sentAt,
      ...(contextOnly ? { context_only: true as const } : {}),
    });
    return {
      version: REPORT_VERSION,
      reporter_id: this.userId,
      conversation_id: conversationId,
      built_at: this.now(),
      messages: [...context.map((m) => reveal(m, true)), ...chosen.map((m) => reveal(m, false))],
    };
  }
}

function contentOf(body: string, attachments: AttachmentPayload[]): FrankedContent {
  return { body, attachments: attachments.map((a) => ({ blobId: a.blob_id, key: unb64(a.key), sha256: a.sha256 })) };
}
