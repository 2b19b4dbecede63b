// What a client needs from a relay. The reference relay (server) speaks it over HTTP with WebSocket
// push (./http-transport.ts); tests use the in-process relay in ./testing.
import type { RelayStamp, SourceRecordJson } from '@vigil/crypto/report';

export type EnvelopeKind = 'welcome' | 'commit' | 'application' | 'join';

export interface Envelope {
  id: string;
  conversationId: string;
  kind: EnvelopeKind;
  from: string;
  data: Uint8Array; // an encoded MLS message
  relay?: RelayStamp;
  /** When the relay may drop it (disappearing messages), ms since the epoch. */
  expiresAt?: number;
}

export interface RelayTransport {
  /** A one-time key package, or (`lastResort`) the one the directory falls back to, replacing the previous one. */
  publishKeyPackage(userId: string, keyPackage: Uint8Array, o?: { lastResort?: boolean }): Promise<void>;
  fetchKeyPackage(userId: string): Promise<Uint8Array>;
  /** How many of this user's one-time packages the directory still holds, and whether it has a last-resort one. */
  keyPackageStatus?(userId: string): Promise<{ oneTime: number; lastResort: boolean }>;
  send(e: {
    id: string;
    conversationId: string;
    kind: EnvelopeKind;
    from: string;
    to: string[];
    data: Uint8Array;
    expiresAt?: number;
  }): Promise<void>;
  receive(userId: string): Promise<Envelope[]>;
  /** Lets the relay delete delivered envelopes; called after they are processed (at-least-once). */
  ack?(ids: string[]): Promise<void>;
  /**
   * Push delivery (the reference relay: a WebSocket). `onEnvelopes` is called for each batch, one at a
   * time; the transport redelivers unacknowledged envelopes after a reconnect.
   */
  subscribe?(userId: string, onEnvelopes: (e: Envelope[]) => Promise<void>, onError?: (e: Error) => void): Subscription;
  putBlob(blob: Uint8Array): Promise<string>;
  /** Private-matching vouchers for attachments just sent (only when the operator turned matching on). */
  putVouchers?(
    vouchers: { conversationId: string; blobId: string; tableVersion: number; voucher: Uint8Array }[],
  ): Promise<void>;
  getBlob(id: string): Promise<Uint8Array>;
}

export interface Subscription {
  /** Resolves when the connection is open (and rejects if it cannot be opened at all). */
  readonly ready: Promise<void>;
  /** Stops delivery; resolves after the batch being processed (if any) is done. */
  close(): Promise<void>;
}

export type { RelayStamp, SourceRecordJson };
