// The reference relay over HTTP (fetch: Node ≥ 20 and browsers). Receiving long-polls, and
// acknowledges what it returns only after the caller has it (at-least-once; the client de-duplicates).
import type { Envelope, RelayStamp, RelayTransport } from './transport.ts';
import { b64, unb64 } from './payload.ts';

export class RelayHttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class HttpRelayTransport implements RelayTransport {
  private token = '';
  userId = '';

  constructor(private readonly base: string) {}

  private async call<T>(method: string, path: string, body?: unknown, raw?: Uint8Array): Promise<T> {
    const res = await fetch(this.base.replace(/\/+$/, '') + path, {
      method,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(raw ? { 'content-type': 'application/octet-stream' } : body !== undefined ? { 'content-type': 'application/json' } : {}) },
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
    return (type.includes('application/octet-stream') ? new Uint8Array(await res.arrayBuffer()) : await res.json()) as T;
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

  async publishKeyPackage(_userId: string, keyPackage: Uint8Array) {
    await this.call('POST', '/relay/v1/key-packages', { key_packages: [b64(keyPackage)] });
  }

  async fetchKeyPackage(userId: string) {
    return unb64((await this.call<{ key_package: string }>('GET', `/relay/v1/key-packages/${encodeURIComponent(userId)}`)).key_package);
  }

  async send(e: { id: string; conversationId: string; kind: Envelope['kind']; from: string; to: string[]; data: Uint8Array; expiresAt?: number }) {
    await this.call('POST', '/relay/v1/messages', { id: e.id, conversation_id: e.conversationId, kind: e.kind, to: e.to, data: b64(e.data), ...(e.expiresAt ? { expires_at: e.expiresAt } : {}) });
  }

  /** Waits up to `waitSeconds` for messages; the client acknowledges them after processing. */
  async receive(_userId: string, waitSeconds = 0): Promise<Envelope[]> {
    const r = await this.call<{ messages: { id: string; conversation_id: string; kind: Envelope['kind']; from: string; data: string; relay?: RelayStamp; expires_at?: number }[] }>('GET', `/relay/v1/messages?wait=${waitSeconds}`);
    return r.messages.map((m) => ({ id: m.id, conversationId: m.conversation_id, kind: m.kind, from: m.from, data: unb64(m.data), ...(m.relay ? { relay: m.relay } : {}), ...(m.expires_at ? { expiresAt: m.expires_at } : {}) }));
  }

  async ack(ids: string[]) {
    for (let i = 0; i < ids.length; i += 1000) await this.call('POST', '/relay/v1/messages/ack', { ids: ids.slice(i, i + 1000) });
  }

  async putBlob(blob: Uint8Array) {
    return (await this.call<{ id: string }>('POST', '/relay/v1/blobs', undefined, blob)).id;
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
    return this.call<{ group_id: string; conversation_id: string }>('POST', `/relay/v1/join/${encodeURIComponent(code)}`);
  }

  /** Sends a report built by VigilClient.buildReport to the relay (and on to the safety service). */
  async report(subject: { type: 'account' | 'group'; id: string }, evidence: unknown, reason = 'child_safety') {
    return this.call<{ report_id: string }>('POST', '/relay/v1/reports', { subject, reason, evidence });
  }
}
