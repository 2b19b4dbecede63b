// What a relay needs to run: its storage, its keys, where the safety service is and how it authenticates
// to it, and the secret that proves webhooks come from it. The same options serve `vigil relay` (its own
// process) and `vigil serve` (the demo mounts the relay beside the safety service, still talking HTTP).
import type { Logger } from 'pino';
import type { RelayKeys } from './keys.ts';

export interface RelayLimits {
  registrationsPerAddressPerHour: number;
  sendsPerAccountPerMinute: number;
  reportsPerAccountPerMinute: number;
  keyPackageFetchesPerAccountPerMinute: number;
  keyPackageFetchesPerTargetPerHour: number;
  keyPackagesPerAccount: number;
  blobBytesPerAccountPerDay: number;
  blobBytesTotal: number;
  socketsPerAccount: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  registrationsPerAddressPerHour: 30,
  sendsPerAccountPerMinute: 600,
  reportsPerAccountPerMinute: 10,
  keyPackageFetchesPerAccountPerMinute: 1200,
  keyPackageFetchesPerTargetPerHour: 5,
  keyPackagesPerAccount: 100,
  blobBytesPerAccountPerDay: 200 * 1024 * 1024,
  blobBytesTotal: 20 * 1024 * 1024 * 1024,
  socketsPerAccount: 5,
};

export interface RelayOptions {
  /** The safety service: its base URL and a platform API key with the `ingest` and `relay` scopes. */
  safety: { url: string; apiKey: string };
  /** The secret of the webhook endpoint registered for this relay (`POST /v1/webhooks`), shown once at creation. */
  webhookSecret: string;
  keys: RelayKeys;
  /** The platform id of the relay's API key: decisions about another platform's subjects are ignored. */
  platform?: string;
  log: Logger;
  clock?: { now(): Date };
  limits?: Partial<RelayLimits>;
  maxBlobBytes?: number;
  blobTtlDays?: number;
  /** How often WebSocket delivery looks for messages queued by other relay processes. */
  socketPollMs?: number;
  /** How often queued events are sent on to the safety service (a change also sends at once). */
  outboxPollMs?: number;
  /**
   * How long a device token's account, a conversation's group and a group's take-down are reused between sends.
   * A decision reaching this process applies at once; other relay processes apply it within this time.
   */
  cacheTtlMs?: number;
  /** How long the private-matching policy from the safety service is reused (every client asks for it). */
  psiPolicyCacheMs?: number;
  /** Webhooks older or newer than this (by their signed timestamp) are refused as replays. */
  webhookToleranceS?: number;
}

export interface ResolvedOptions extends Required<Omit<RelayOptions, 'limits'>> {
  limits: RelayLimits;
}

export function resolveOptions(o: RelayOptions): ResolvedOptions {
  return {
    platform: 'default',
    clock: { now: () => new Date() },
    maxBlobBytes: 25 * 1024 * 1024,
    blobTtlDays: 30,
    socketPollMs: 1000,
    outboxPollMs: 2000,
    webhookToleranceS: 300,
    psiPolicyCacheMs: 10_000,
    cacheTtlMs: 2_000,
    ...o,
    limits: { ...DEFAULT_LIMITS, ...o.limits },
    safety: { ...o.safety, url: o.safety.url.replace(/\/+$/, '') },
  };
}
