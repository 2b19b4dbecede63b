// The reference relay over HTTP (fetch: Node ≥ 20 and browsers), with push delivery over a WebSocket
// (browsers' own, or any class with the same API such as the `ws` package on Node 20). Envelopes are
// acknowledged only after the caller has processed them (at-least-once; the client de-duplicates).
import type { Envelope, RelayStamp, RelayTransport, Subscription } from './transport.ts';
import { b64, unb64 } from '@vigil/crypto';
import { PrivateMatching, type MatchingScope } from './private-matching.ts';

export class RelayHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The part of the WHATWG WebSocket API the transport uses. */
interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => SocketLike;

type EnvelopeJson = {
  id: string;
  conversation_id: string;
  kind: Envelope['kind'];
  from: string;
  data: string;
  relay?: RelayStamp;
  expires_at?: number;
};
const toEnvelope = (m: EnvelopeJson): Envelope => ({
  id: m.id,
  conversationId: m.conversation_id,
  kind: m.kind,
  from: m.from,
  data: unb64(m.data),
  ...(m.relay ? { relay: m.relay } : {}),
  ...(m.expires_at ? { expiresAt: m.expires_at } : {}),
});
const OPEN = 1;

export class HttpRelayTransport implements RelayTransport {
  private token = '';
  private socket: SocketLike | null = null;
  userId = '';

  constructor(
    private readonly base: string,
    private readonly o: { WebSocket?: WebSocketConstructor } = {},
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, raw?: Uint8Array): Promise<T> {
    const res = await fetch(this.base.replace(/\/+$/, '') + path, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(raw
          ? { 'content-type': 'application/octet-stream' }
          : body !== undefined
            ? { 'content-type': 'application/json' }
            : {}),
      },
      body: raw ? new Blob([Uint8Array.from(raw)]) : body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) {
      const text = await res.text();
      let msg = text;
      try {
        msg = JSON.parse(text).error.message;
      } catch {
        // not JSON
      }
      throw new RelayHttpError(res.status, `${method} ${path}: ${msg || `HTTP ${res.status}`}`);
    }
    const type = res.headers.get('content-type') ?? '';
    return (
      type.includes('application/octet-stream') ? new Uint8Array(await res.arrayBuffer()) : await res.json()
    ) as T;
  }

  async register(username: string, password: string) {
    const r = await this.call<{ user_id: string; token: string }>('POST', '/relay/v1/accounts', { username, password });
    this.token = r.token;
    this.userId = r.user_id;
    return r;
  }

  async login(username: string, password: string) {
    const r = await this.call<{ user_id: string; token: string }>('POST', '/relay/v1/sessions', { username, password });
    this.token = r.token;
    this.userId = r.user_id;
    return r;
  }

  useToken(userId: string, token: string) {
    this.userId = userId;
    this.token = token;
  }

  setProfile(p: { display_name?: string; bio?: string; avatar_url?: string }) {
    return this.call('PUT', '/relay/v1/profile', p);
  }

  async publishKeyPackage(_userId: string, keyPackage: Uint8Array, o: { lastResort?: boolean } = {}) {
    await this.call(
      'POST',
      '/relay/v1/key-packages',
      o.lastResort ? { key_packages: [], last_resort: b64(keyPackage) } : { key_packages: [b64(keyPackage)] },
    );
  }

  async keyPackageStatus(_userId: string) {
    const r = await this.call<{ one_time: number; last_resort: boolean }>('GET', '/relay/v1/key-packages');
    return { oneTime: r.one_time, lastResort: r.last_resort };
  }

  async fetchKeyPackage(userId: string) {
    return unb64(
      (await this.call<{ key_package: string }>('GET', `/relay/v1/key-packages/${encodeURIComponent(userId)}`))
        .key_package,
    );
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
    await this.call('POST', '/relay/v1/messages', {
      id: e.id,
      conversation_id: e.conversationId,
      kind: e.kind,
      to: e.to,
      data: b64(e.data),
      ...(e.expiresAt ? { expires_at: e.expiresAt } : {}),
    });
  }

  /** Waits up to `waitSeconds` for messages; the client acknowledges them after processing. */
  async receive(_userId: string, waitSeconds = 0): Promise<Envelope[]> {
    const r = await this.call<{ messages: EnvelopeJson[] }>('GET', `/relay/v1/messages?wait=${waitSeconds}`);
    return r.messages.map(toEnvelope);
  }

  /** Over the open socket when there is one (an ack lost with it only means a redelivery), else HTTP. */
  async ack(ids: string[]) {
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify({ type: 'ack', ids: chunk }));
      else await this.call('POST', '/relay/v1/messages/ack', { ids: chunk });
    }
  }

  /**
   * Opens the relay's WebSocket and hands each pushed batch to `onEnvelopes`, one batch at a time.
   * Reconnects with backoff (up to 30 s) after an open connection drops; stops for good when the
   * first connection cannot be opened or the relay refuses the device (banned or signed out: close
   * code 4401), rejecting `ready` or reporting it to `onError`.
   */
  subscribe(
    _userId: string,
    onEnvelopes: (e: Envelope[]) => Promise<void>,
    onError: (e: Error) => void = () => {},
  ): Subscription {
    const Ctor = this.o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor)
      throw new TypeError('no WebSocket implementation here: pass one in the options (on Node 20, the ws package)');
    if (!this.token) throw new TypeError('sign in before subscribing');
    const url = `${this.base.replace(/\/+$/, '').replace(/^http/, 'ws')}/relay/v1/socket`;
    let ws: SocketLike,
      stopped = false,
      opened = false,
      failures = 0,
      chain = Promise.resolve(),
      timer: ReturnType<typeof setTimeout> | undefined;
    let settle!: { resolve: () => void; reject: (e: Error) => void };
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const open = () => {
      ws = new Ctor(url, ['vigil.relay.v1', `vigil.token.${this.token}`]);
      ws.onopen = () => {
        failures = 0;
        opened = true;
        this.socket = ws;
        settle.resolve();
      };
      ws.onmessage = (ev) => {
        let m: { type?: string; messages?: EnvelopeJson[]; message?: string };
        try {
          m = JSON.parse(String(ev.data));
        } catch {
          return onError(new RelayHttpError(0, 'the relay sent a frame that is not JSON'));
        }
        if (m.type === 'messages' && Array.isArray(m.messages)) {
          const batch = m.messages.map(toEnvelope);
          chain = chain.then(() => onEnvelopes(batch)).catch((e: Error) => onError(e));
        } else if (m.type === 'error') onError(new RelayHttpError(0, `relay: ${m.message}`));
      };
      ws.onerror = () => {}; // a close event follows
      ws.onclose = (ev) => {
        if (this.socket === ws) this.socket = null;
        if (stopped) return;
        // Refused outright (a bad token gets an HTTP 401 before any upgrade) or later signed out: stop.
        if (ev.code === 4401 || !opened) {
          stopped = true;
          const e =
            ev.code === 4401
              ? new RelayHttpError(401, `relay closed the socket: ${ev.reason || 'signed out or banned'}`)
              : new RelayHttpError(0, `could not open the relay's WebSocket at ${url}`);
          settle.reject(e);
          return onError(e);
        }
        timer = setTimeout(open, Math.min(30_000, 250 * 2 ** failures++));
      };
    };
    open();
    ready.catch(() => {}); // callers that never await it must not see an unhandled rejection
    return {
      ready,
      close: async () => {
        stopped = true;
        clearTimeout(timer);
        ws.close();
        await chain;
      },
    };
  }

  async putBlob(blob: Uint8Array) {
    return (await this.call<{ id: string }>('POST', '/relay/v1/blobs', undefined, blob)).id;
  }

  async putVouchers(vouchers: { conversationId: string; blobId: string; tableVersion: number; voucher: Uint8Array }[]) {
    for (let i = 0; i < vouchers.length; i += 50) {
      await this.call('POST', '/relay/v1/vouchers', {
        vouchers: vouchers.slice(i, i + 50).map((v) => ({
          conversation_id: v.conversationId,
          blob_id: v.blobId,
          table_version: v.tableVersion,
          voucher: b64(v.voucher),
        })),
      });
    }
  }

  /**
   * The operator's private-matching policy and current table. The table is verified under
   * `pinnedKey` when given (the key this client saw first), else under the key the relay names now,
   * which the caller should then pin; `minVersion` refuses rollbacks, `minThreshold` a lowered `t`;
   * `cached` is a table the caller kept (used when the relay's current version is the same).
   */
  async privateMatching(
    o: {
      pinnedKey?: Uint8Array;
      minVersion?: number;
      minThreshold?: number;
      cached?: { version: number; bytes: Uint8Array };
    } = {},
  ): Promise<{ matching: PrivateMatching; signingPublicKey: Uint8Array; tableBytes: Uint8Array | null }> {
    const r = await this.call<{
      scope: MatchingScope;
      large_group_members: number;
      synthetic_probability: number;
      signing_public_key: string;
      table: { version: number; url: string } | null;
    }>('GET', '/relay/v1/psi');
    const announced = unb64(r.signing_public_key);
    const key = o.pinnedKey ?? announced;
    if (o.pinnedKey && b64(o.pinnedKey) !== r.signing_public_key)
      throw new RelayHttpError(0, 'the relay names a different private-matching signing key than the one pinned');
    const policy = {
      scope: r.scope,
      largeGroupMembers: r.large_group_members,
      syntheticProbability: r.synthetic_probability,
    };
    // A table already held for this version is verified again, not downloaded again.
    const bytes = !r.table
      ? null
      : o.cached?.version === r.table.version
        ? o.cached.bytes
        : await this.call<Uint8Array>('GET', r.table.url);
    const table = bytes
      ? {
          bytes,
          signingPublicKey: key,
          ...(o.minVersion ? { minVersion: o.minVersion } : {}),
          ...(o.minThreshold !== undefined ? { minThreshold: o.minThreshold } : {}),
        }
      : null;
    return { matching: PrivateMatching.create(policy, table), signingPublicKey: key, tableBytes: bytes };
  }

  async getBlob(id: string) {
    return this.call<Uint8Array>('GET', `/relay/v1/blobs/${encodeURIComponent(id)}`);
  }

  async lookup(username: string): Promise<string> {
    return (await this.call<{ user_id: string }>('GET', `/relay/v1/users/${encodeURIComponent(username)}`)).user_id;
  }

  async whois(userId: string): Promise<string> {
    return (await this.call<{ username: string }>('GET', `/relay/v1/whois/${encodeURIComponent(userId)}`)).username;
  }

  async info(): Promise<Uint8Array> {
    const r = await this.call<{ source_keys: Record<string, string> }>('GET', '/relay/v1/info');
    return unb64(Object.values(r.source_keys).at(-1)!);
  }

  get deviceToken() {
    return this.token;
  }

  createGroup(conversationId: string, meta: { name: string; description?: string; photo_url?: string }) {
    return this.call<{ group_id: string }>('POST', '/relay/v1/groups', { conversation_id: conversationId, ...meta });
  }

  invite(groupId: string) {
    return this.call<{ code: string; link: string }>('POST', `/relay/v1/groups/${encodeURIComponent(groupId)}/invites`);
  }

  join(codeOrLink: string) {
    const code = codeOrLink.replace(/^vigil:\/\/join\//, '');
    return this.call<{ group_id: string; conversation_id: string }>(
      'POST',
      `/relay/v1/join/${encodeURIComponent(code)}`,
    );
  }

  /**
   * Sends a report built by VigilClient.buildReport to the relay (and on to the safety service). The relay
   * derives the subject from the evidence (the sender); pass `subject` to report the group instead, or to name
   * one sender when messages of several were reported.
   */
  async report(
    subject: { type: 'account' | 'group'; id: string } | undefined,
    evidence: unknown,
    reason = 'child_safety',
  ) {
    return this.call<{
      report_id: string;
      status: 'verified' | 'forged';
      subject: { type: string; id: string };
      duplicate: boolean;
    }>('POST', '/relay/v1/reports', { ...(subject ? { subject } : {}), reason, evidence });
  }
}
