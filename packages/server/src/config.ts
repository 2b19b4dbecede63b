// Configuration from defaults < config file < environment < command-line flags, validated once.
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { availableParallelism } from 'node:os';
import { VigilError } from './errors.ts';

/** Media decoding limits (media/decode-limit.ts): one decode per core, less one for the event loop. */
export const DECODE_DEFAULTS = {
  concurrency: Math.max(1, Math.min(4, availableParallelism() - 1)),
  queue: 8,
  maxPixels: 64_000_000,
  hashPixels: 2048 * 2048,
  retryAfterSec: 5,
  timeoutMs: 120_000,
};

export const configSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    /**
     * Behind a load balancer: the proxies whose X-Forwarded-For to believe (comma-separated addresses or CIDRs, as
     * Fastify's trustProxy takes them), so per-address limits see clients, not the balancer. Empty: none.
     */
    trustProxy: z.string().default(''),
    dataDir: z.string().min(1).default('./data'),
    /**
     * 32 bytes in base64, the same for every process: seals the vault, private-matching and relay keys kept in the
     * shared database when configuration does not give them (keys/keyring.ts). Required with PostgreSQL unless every key is configured.
     */
    keyEncryptionKey: z.string().optional(),
    /** postgres://… ; without it the embedded SQLite file <dataDir>/vigil.db is used. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Mark session cookies Secure (set when served over HTTPS). */
    cookieSecure: z.coerce.boolean().default(false),
    sessionTtlMinutes: z.coerce
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(12 * 60),
    bodyLimitBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    workers: z.coerce.number().int().min(0).max(64).default(1),
    /** How long a claimed job stays leased; a crashed worker's jobs return to the queue after it. */
    jobLeaseMs: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
    flags: z
      .object({
        /** Hours before an open flag escalates, per category. */
        deadlinesHours: z
          .object({
            csam: z.number().min(1).default(24),
            grooming: z.number().min(1).default(24),
            sextortion: z.number().min(1).default(24),
            trading: z.number().min(1).default(48),
            other: z.number().min(1).default(72),
          })
          .prefault({}),
        /** Public form: reports per address per hour, and for everyone together per hour. */
        publicPerAddressPerHour: z.number().int().min(1).default(5),
        publicGlobalPerHour: z.number().int().min(1).default(500),
      })
      .prefault({}),
    media: z
      .object({
        /** Fetch media from private/loopback addresses (single-host setups, the demo). */
        allowPrivateFetch: z.boolean().default(false),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .default(20 * 1024 * 1024),
        timeoutMs: z.number().int().min(100).default(15_000),
        /** Fetch and hash media that events give only by URL (profile photos, group photos, shared media). */
        hashRemote: z.boolean().default(true),
        /** Images Vigil hashes itself are also matched through robust views (bars trimmed, crops, small derotations). */
        robust: z.boolean().default(true),
      })
      .prefault({}),
    /** Bounded work for media decoding (see media/decode-limit.ts). */
    decode: z
      .object({
        /** Decodes (images, videos) running at once, each in a worker thread using about one core. Default: cores − 1 (1–4). */
        concurrency: z.number().int().min(1).max(64).default(DECODE_DEFAULTS.concurrency),
        /** Decodes waiting for a slot; when full, uploads get 503 with retry-after. */
        queue: z.number().int().min(0).max(10_000).default(DECODE_DEFAULTS.queue),
        /** Images with more pixels are refused (413) before decoding: the decompression-bomb guard. */
        maxPixels: z.number().int().min(1).default(DECODE_DEFAULTS.maxPixels),
        /** Larger images (and video frames) are shrunk while decoding, before PDQ: memory per decode is about 15 bytes × this. */
        hashPixels: z.number().int().min(4096).default(DECODE_DEFAULTS.hashPixels),
        retryAfterSec: z.number().int().min(1).max(3600).default(DECODE_DEFAULTS.retryAfterSec),
        /** A decode running longer is stopped (422 decode_timeout). */
        timeoutMs: z.number().int().min(1).default(DECODE_DEFAULTS.timeoutMs),
      })
      .prefault({}),
    matching: z.object({ pdqThreshold: z.number().int().min(0).max(128).default(31) }).prefault({}),
    ncmec: z
      .object({
        /** CyberTipline API base: NCMEC's test environment unless set (production: https://report.cybertip.org/ispws). */
        baseUrl: z.string().url().default('https://exttest.cybertip.org/ispws'),
        username: z.string().default(''),
        password: z.string().default(''),
        timeoutMs: z.number().int().min(100).default(60_000),
        /** Who reports: the provider's reporting person and contact, sent in every report's <reporter>. */
        reporter: z
          .object({
            firstName: z.string().optional(),
            lastName: z.string().optional(),
            email: z.string().optional(),
            phone: z.string().optional(),
            termsOfService: z.string().optional(),
            legalURL: z.string().optional(),
          })
          .prefault({}),
        /** The platform's name, as <platform> and <espService>. */
        platformName: z.string().default('Messaging service'),
      })
      .prefault({}),
    relay: z
      .object({
        /** Platform id under which the relay's own events (profiles, groups, reports) are ingested. */
        platform: z.string().default('default'),
        /**
         * Run the reference messenger's relay inside `vigil serve` (the demo). It is wired as any platform is: an API
         * key for events, a webhook endpoint for decisions, over loopback. Off for a deployment without the messenger
         * or with relays of its own (`vigil relay`).
         */
        embedded: z.boolean().default(true),
        /** The embedded relay's own database: a SQLite file (default <dataDir>/relay.db) or postgres://… */
        database: z.string().optional(),
        maxBlobBytes: z
          .number()
          .int()
          .min(1024)
          .default(25 * 1024 * 1024),
        blobTtlDays: z.number().int().min(1).default(30),
        /** Keys the relay tags delivered messages with (key id → 32 bytes base64); reports are checked against them. */
        frankingKeys: z.record(z.string(), z.string()).default({}),
        /** Source-tracing keys (key id → {enc: 32 bytes base64, signPublic: Ed25519 public key base64}). */
        sourceKeys: z
          .record(z.string(), z.object({ enc: z.string(), signPublic: z.string(), signSecret: z.string().optional() }))
          .default({}),
        /** How often WebSocket delivery looks for messages queued by other server processes (same-process sends wake it at once). */
        socketPollMs: z.number().int().min(50).default(1000),
        /**
         * Abuse limits, per process (a deployment with several relay processes behind a load balancer multiplies the
         * per-process counts by their number; blob quotas are counted in the database and hold exactly). Every refusal is
         * a 429 with retry-after. 0 turns a limit off.
         */
        limits: z
          .object({
            registrationsPerAddressPerHour: z.number().int().min(0).default(30),
            sendsPerAccountPerMinute: z.number().int().min(0).default(600),
            reportsPerAccountPerMinute: z.number().int().min(0).default(10),
            /** Key packages one account may take from the directory per minute (adding members to a large group takes many). */
            keyPackageFetchesPerAccountPerMinute: z.number().int().min(0).default(1200),
            /** Key packages of one user that one account may take per hour: adding someone needs one; draining needs many. */
            keyPackageFetchesPerTargetPerHour: z.number().int().min(0).default(5),
            /** One-time key packages one account may hold in the directory. */
            keyPackagesPerAccount: z.number().int().min(1).default(100),
            blobBytesPerAccountPerDay: z
              .number()
              .int()
              .min(0)
              .default(200 * 1024 * 1024),
            /** All live blobs together (until they expire). */
            blobBytesTotal: z
              .number()
              .int()
              .min(0)
              .default(20 * 1024 * 1024 * 1024),
            socketsPerAccount: z.number().int().min(0).default(5),
          })
          .prefault({}),
      })
      .prefault({}),
    psi: z
      .object({
        /** Which conversations' attachments carry private-matching vouchers: off (default), large groups only, or all. */
        scope: z.enum(['off', 'large_groups', 'everywhere']).default('off'),
        /** A group counts as large from this many members (clients also treat groups they know are public as large). */
        largeGroupMembers: z.number().int().min(2).default(256),
        mode: z.enum(['exact', 'perceptual']).default('exact'),
        /** Matching vouchers one account needs before any payload can be read (Apple announced 30). */
        threshold: z.number().int().min(1).max(1000).default(30),
        /** Banks that must list a hash before it enters the table (2: the rule against list poisoning). */
        minBanks: z.number().int().min(1).max(10).default(1),
        /** Probability that a client sends a synthetic voucher instead of a real one (hides match counts below t). */
        syntheticProbability: z.number().min(0).max(0.5).default(0.02),
        /** Pad the table to this many hashes so its size does not reveal the list's. */
        capacity: z.number().int().min(0).default(0),
        /** Server key α (32 bytes base64) and the table-signing Ed25519 secret key; a demo gets `<data>/psi-keys.json`. */
        serverKey: z.string().optional(),
        signingKey: z.string().optional(),
      })
      .prefault({}),
    vault: z
      .object({
        /** Key id → 32-byte key in base64. Old keys stay readable after rotation; new items use activeKey. */
        keys: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,40}$/), z.string()).default({}),
        activeKey: z.string().optional(),
        /** Kept this long from the report (the REPORT Act asks for one year), longer under a legal hold. */
        retentionDays: z.number().int().min(1).default(365),
      })
      .prefault({}),
    exchanges: z
      .object({
        /** Run the fetch loop in this process. */
        enabled: z.boolean().default(true),
        /** Allow exchange URLs on private/loopback addresses (a peer on the same network, the demo, tests). */
        allowPrivateTargets: z.boolean().default(false),
        maxFetchMs: z.number().int().min(1000).default(240_000),
        requestTimeoutMs: z.number().int().min(100).default(60_000),
        maxResponseBytes: z
          .number()
          .int()
          .min(1024)
          .default(256 * 1024 * 1024),
      })
      .prefault({}),
    detection: z
      .object({
        behaviour: z
          .object({
            inviteJoinsPerHour: z.number().int().min(1).default(20),
            newAccountShare: z.number().min(0).max(1).default(0.5),
            newAccountDays: z.number().int().min(1).default(7),
            distinctReporters: z.number().int().min(1).default(3),
            groupsJoinedPerDay: z.number().int().min(1).default(20),
            groupGrowthJoinsPerDay: z.number().int().min(1).default(50),
            groupGrowthRatio: z.number().min(0).default(1),
          })
          .prefault({}),
      })
      .prefault({}),
    login: z
      .object({
        maxFailures: z.number().int().min(1).default(5),
        lockoutMinutes: z.number().int().min(1).default(15),
        perIpPerWindow: z.number().int().min(1).default(30),
        windowMinutes: z.number().int().min(1).default(15),
      })
      .prefault({}),
    /** Who may read GET /metrics (Prometheus text): nobody, loopback callers only (default), or callers sending `Authorization: Bearer <token>`. */
    metrics: z
      .object({
        access: z.enum(['off', 'loopback', 'token']).default('loopback'),
        token: z.string().min(16).optional(),
      })
      .refine((m) => m.access !== 'token' || !!m.token, {
        message: 'metrics.access "token" needs metrics.token (at least 16 characters)',
      })
      .prefault({}),
    /** Reviewer wellness, enforced by the server: media reveals per reviewer per UTC day. At the soft limit (counted
     *  since the last break) reveals wait until the reviewer confirms a break; at the hard limit they are refused for the day. */
    wellness: z
      .object({
        softRevealsPerDay: z.number().int().min(1).default(50),
        hardRevealsPerDay: z.number().int().min(1).default(150),
      })
      .refine((w) => w.hardRevealsPerDay >= w.softRevealsPerDay, {
        message: 'wellness.hardRevealsPerDay must be at least softRevealsPerDay',
      })
      .prefault({}),
    /**
     * NATS JetStream transport for event work (queue/stream/). Without `url`, events go through the embedded database queue.
     * With it, `vigil serve` stores each event (the record of truth) and publishes it, partitioned by subject, once committed;
     * `vigil worker` processes consume the partitions. Every process of a deployment must use the same name and partitions.
     */
    stream: z
      .object({
        url: z
          .string()
          .regex(/^(nats|tls):\/\/[^\s]+$/, 'must be a nats:// URL (several: comma-separated)')
          .optional(),
        /** Stream name; its subjects are `<name>.<partition>`, its durable consumers `p<partition>`. */
        name: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only')
          .default('VIGIL_EVENTS'),
        partitions: z.number().int().min(1).max(1024).default(64),
        /** Stream replicas (1 on a single server; 3 on a JetStream cluster). */
        replicas: z.number().int().min(1).max(5).default(1),
        /** A delivered event not acknowledged within this is redelivered (a crashed worker's events come back after it). */
        ackWaitMs: z.number().int().min(500).max(3_600_000).default(30_000),
        /** Tries of one event (with backoff from retryBaseMs) before it goes to the dead letters with its reason. */
        maxAttempts: z.number().int().min(1).max(50).default(8),
        retryBaseMs: z.number().int().min(1).max(600_000).default(1000),
        /** Deliveries never acknowledged (a worker died on it each time) before the event goes to the dead letters. */
        maxDeliver: z.number().int().min(2).max(1000).default(20),
        /** JetStream drops a second publish of the same message id within this window (a publisher that died before recording). */
        duplicateWindowMs: z.number().int().min(1000).default(600_000),
      })
      .prefault({}),
    webhooks: z
      .object({
        maxAttempts: z.number().int().min(1).max(50).default(10),
        timeoutMs: z.number().int().min(100).default(10_000),
        /** Allow webhook targets on loopback/private addresses (tests, single-host setups). */
        allowPrivateTargets: z.boolean().default(false),
      })
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

const ENV_MAP: Record<string, keyof Config> = {
  PORT: 'port',
  HOST: 'host',
  VIGIL_TRUST_PROXY: 'trustProxy',
  VIGIL_DATA: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  LOG_LEVEL: 'logLevel',
  VIGIL_COOKIE_SECURE: 'cookieSecure',
  VIGIL_WORKERS: 'workers',
  VIGIL_JOB_LEASE_MS: 'jobLeaseMs',
  VIGIL_KEY_ENCRYPTION_KEY: 'keyEncryptionKey',
};

export interface ConfigSources {
  flags?: Partial<Record<keyof Config, unknown>>;
  env?: NodeJS.ProcessEnv;
  /** Path to a JSON config file; also from VIGIL_CONFIG. */
  file?: string;
}

export function loadConfig(src: ConfigSources = {}): Config {
  const env = src.env ?? process.env;
  const origin: Record<string, string> = {};
  const merged: Record<string, unknown> = {};
  const filePath = src.file ?? env.VIGIL_CONFIG;
  if (filePath) {
    if (!existsSync(filePath)) throw new VigilError('invalid_config', `config file not found: ${filePath}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch (e) {
      throw new VigilError('invalid_config', `config file ${filePath} is not valid JSON: ${(e as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new VigilError('invalid_config', `config file ${filePath} must hold a JSON object`);
    for (const [k, v] of Object.entries(parsed)) {
      merged[k] = v;
      origin[k] = `config file ${filePath}`;
    }
  }
  for (const [name, key] of Object.entries(ENV_MAP)) {
    const v = env[name];
    if (v !== undefined && v !== '') {
      merged[key] = key === 'cookieSecure' ? v === 'true' || v === '1' : v;
      origin[key] = `environment variable ${name}`;
    }
  }
  // The stream's URL and name from the environment (VIGIL_STREAM, VIGIL_STREAM_NAME), over the file's stream section.
  for (const [name, key] of [
    ['VIGIL_STREAM', 'url'],
    ['VIGIL_STREAM_NAME', 'name'],
  ] as const) {
    const v = env[name];
    if (v !== undefined && v !== '') {
      merged.stream = { ...(merged.stream as object | undefined), [key]: v };
      origin.stream = `environment variable ${name}`;
    }
  }
  for (const [k, v] of Object.entries(src.flags ?? {})) {
    if (v !== undefined) {
      merged[k] = v;
      origin[k] = `flag --${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;
    }
  }
  const r = configSchema.safeParse(merged);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const from = origin[key] ? ` (from ${origin[key]})` : '';
      return `  - ${i.path.join('.') || '(root)'}: ${i.message}${from}`;
    });
    throw new VigilError('invalid_config', `invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...r.data, dataDir: resolve(r.data.dataDir) };
}

/** `--stream <url>` on `vigil serve` and `vigil worker`: checked like the configured URL. */
export function withStreamUrl(cfg: Config, url: string | undefined): Config {
  if (url === undefined) return cfg;
  const r = configSchema.shape.stream.unwrap().shape.url.safeParse(url);
  if (!r.success)
    throw new VigilError(
      'invalid_config',
      `invalid configuration:\n  - stream.url: ${r.error.issues[0]?.message} (from flag --stream)`,
    );
  return { ...cfg, stream: { ...cfg.stream, url } };
}

export const sqlitePathOf = (c: Config) => join(c.dataDir, 'vigil.db');
