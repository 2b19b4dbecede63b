// `vigil serve`: one process with the HTTP API, the job workers and the webhook deliverer.
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { sqlitePathOf } from './config.ts';
import { connect, type Db } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { buildApp } from './app.ts';
import { Worker, type JobHandler } from './queue/worker.ts';
import { applyEventHandler, enqueueAnalysis } from './ingest/index.ts';
import { analyzeEventHandler } from './detect/index.ts';
import { behaviourAnalyser } from './detect/index.ts';
import { externalAnalyser } from './detect/index.ts';
import { ensureDefaultRules } from './detect/index.ts';
import { textAnalyser } from './detect/index.ts';
import { ensureDefaultTermList } from './detect/index.ts';
import type { Analyser } from './detect/index.ts';
import { BankIndex } from './media/index.ts';
import { mediaMatchAnalyser } from './detect/index.ts';
import { flagMatchAnalyser, startEscalationLoop } from './flags/index.ts';
import { startExchangeLoop } from './exchanges/index.ts';
import { fileReportJob } from './legal/index.ts';
import { preserveJob } from './legal/index.ts';
import { verifyReportFollowUp } from './reports/index.ts';
import { voucherAnalyser } from './psi/index.ts';
import { startRetentionLoop } from './legal/index.ts';
import { deliverDue } from './webhooks/outbox.ts';
import { systemClock, type Clock } from './util/time.ts';
import { loosePermissions, sensitivePaths } from './util/file-perms.ts';
import type { VigilApp, RouteModule } from './http/route.ts';
import type { AppContext } from './context.ts';
import { timedAnalyser } from './detect/index.ts';
import { loadKeyring } from './keys/keyring.ts';
import { EventStream } from './queue/stream/event-stream.ts';
import { publishEventHandler } from './queue/stream/publish-job.ts';
import type { EventHandlers } from './queue/stream/consumer.ts';
import { feedStreamGauges } from './queue/stream/lag-gauges.ts';
import { embeddedRelay } from './embedded-relay.ts';
import { bySubscriber, type CaseClaimed, type DecisionRecorded } from './review/index.ts';
import { banksOnDecision } from './media/index.ts';
import { legalOnDecision } from './legal/index.ts';
import { flagsOnClaim, flagsOnDecision } from './flags/index.ts';

export interface Service {
  app: VigilApp;
  ctx: AppContext;
  url: string;
  stop(): Promise<void>;
}

export function openDb(cfg: Config): Db {
  return connect({ databaseUrl: cfg.databaseUrl, sqlitePath: sqlitePathOf(cfg) });
}

/** The analysers every event passes through (later capabilities add text and media here). */
export function analysers(cfg: Config, bankIndex = new BankIndex()): Analyser[] {
  return [
    timedAnalyser('text', textAnalyser),
    timedAnalyser('behaviour', behaviourAnalyser(cfg.detection.behaviour)),
    timedAnalyser('external', externalAnalyser),
    timedAnalyser('media', mediaMatchAnalyser(bankIndex, cfg.matching.pdqThreshold), { matcher: true }),
    timedAnalyser('flags', flagMatchAnalyser),
    timedAnalyser('voucher', voucherAnalyser(cfg)),
  ];
}

/** The database queue's handlers. With a stream, `event.apply` publishes the event (the job is its outbox entry). */
export function jobHandlers(
  cfg: Config,
  bankIndex = new BankIndex(),
  log?: Logger,
  stream?: EventStream,
): Record<string, JobHandler> {
  return {
    'event.apply': stream
      ? publishEventHandler(stream)
      : applyEventHandler([verifyReportFollowUp(cfg), enqueueAnalysis]),
    'event.analyze': analyzeEventHandler(analysers(cfg, bankIndex), cfg.media),
    'ncmec.file': fileReportJob(cfg, log),
    'vault.preserve': preserveJob(cfg),
    ...reviewSubscribers(cfg),
  };
}

/** Each module's part of review's decisions and claims (review/effects.ts), as jobs in their own transactions. */
export function reviewSubscribers(cfg: Config): Record<string, JobHandler> {
  return {
    'decision.recorded': bySubscriber<DecisionRecorded>({
      banks: banksOnDecision,
      legal: legalOnDecision(cfg),
      flags: flagsOnDecision,
    }),
    'case.claimed': bySubscriber<CaseClaimed>({ flags: flagsOnClaim }),
  };
}

/** What a stream worker does with each event: apply it to the current state and analyse it, in one transaction. */
export function streamEventHandlers(cfg: Config, bankIndex = new BankIndex()): EventHandlers {
  return {
    apply: applyEventHandler([verifyReportFollowUp(cfg)]),
    analyze: analyzeEventHandler(analysers(cfg, bankIndex), cfg.media),
  };
}

/** Connects to the configured stream (creating it and its partition consumers) and feeds its lag gauges. */
export async function openStream(
  cfg: Config,
  who: string,
): Promise<{ stream: EventStream; close(): Promise<void> } | undefined> {
  if (!cfg.stream.url) return undefined;
  const stream = await EventStream.open(cfg.stream, { name: who });
  const unfeed = feedStreamGauges(stream);
  return {
    stream,
    async close() {
      unfeed();
      await stream.close();
    },
  };
}

export async function startService(
  cfg: Config,
  opts: { log?: Logger; clock?: Clock; listen?: boolean; extraRoutes?: RouteModule[] } = {},
): Promise<Service> {
  const log = opts.log ?? pino({ level: cfg.logLevel });
  const clock = opts.clock ?? systemClock;
  const db = openDb(cfg);
  // Files created by older versions (or by hand) may be readable by other local users.
  for (const p of loosePermissions(sensitivePaths(cfg.dataDir, cfg.databaseUrl ? undefined : sqlitePathOf(cfg)))) {
    log.warn(
      { path: p.path, mode: p.mode },
      `${p.path} is readable by other users (mode ${p.mode}); it holds reported content or keys: ${p.fix}`,
    );
  }
  const applied = await migrateToLatest(db);
  if (applied.length) log.info({ applied }, 'database migrated');
  // Keys every process shares, resolved before any work (refuses to start rather than make a second key).
  await loadKeyring(db, cfg, { log, clock, who: `${hostname()}:${process.pid}` }).catch(async (e) => {
    await db.close();
    throw e;
  });
  const installed = await ensureDefaultRules(db.kysely, clock);
  if (installed) log.info({ rules: installed }, 'default rule pack installed');
  if (await ensureDefaultTermList(db.kysely, clock)) log.info('default coded-term list installed');

  // With a stream, accepted events are published to it (the queue's `event.apply` jobs are the outbox) for `vigil worker`s.
  const streamed = await openStream(cfg, `vigil serve ${hostname()}:${process.pid}`).catch(async (e) => {
    await db.close();
    throw e;
  });
  const workers: Worker[] = [];
  const bankIndex = new BankIndex();
  const ctx: AppContext = {
    cfg,
    db,
    clock,
    log,
    jobsAdded: () => workers.forEach((w) => w.nudge()),
    bankIndex,
    stream: streamed?.stream,
    trustedWebhookUrls: new Set(),
  };
  for (let i = 0; i < cfg.workers; i++) {
    workers.push(
      new Worker({
        db,
        handlers: jobHandlers(cfg, bankIndex, log, streamed?.stream),
        clock,
        log,
        workerId: `${hostname()}:${process.pid}:${i}`,
        leaseMs: cfg.jobLeaseMs,
      }),
    );
  }
  // The reference messenger's relay, mounted beside the API but integrated through it (events in, webhooks out).
  const relay = cfg.relay.embedded ? await embeddedRelay(ctx) : null;
  const app = await buildApp(ctx, opts.extraRoutes, relay ? [relay.relay.plugin] : []);

  // The webhook deliverer: a plain loop, like the workers.
  let stopping = false;
  const deliverer = (async () => {
    while (!stopping) {
      const n = await deliverDue({
        db,
        clock,
        log,
        maxAttempts: cfg.webhooks.maxAttempts,
        timeoutMs: cfg.webhooks.timeoutMs,
        allowPrivate: cfg.webhooks.allowPrivateTargets,
        trustedUrls: ctx.trustedWebhookUrls,
      }).catch((err) => {
        log.error({ err }, 'webhook loop error');
        return 0;
      });
      if (!n) await new Promise((r) => setTimeout(r, 500));
    }
  })();

  workers.forEach((w) => w.start());
  const stopEscalation = startEscalationLoop(db, clock, log);
  const stopRetention = startRetentionLoop(db.kysely, clock, log);
  const stopExchanges = cfg.exchanges.enabled
    ? startExchangeLoop(db.kysely, cfg, clock, log, `${hostname()}:${process.pid}`)
    : async () => {};
  let url = '';
  if (opts.listen !== false) {
    url = await app.listen({ port: cfg.port, host: cfg.host });
    await relay?.connect(loopbackUrl(url));
  }
  return {
    app,
    ctx,
    url,
    async stop() {
      stopping = true;
      await app.close();
      await relay?.relay.close();
      await Promise.all(workers.map((w) => w.stop()));
      await deliverer;
      await stopEscalation();
      await stopExchanges();
      await stopRetention();
      await streamed?.close();
      await db.close();
    },
  };
}

/** The address this process reaches itself on (a server listening on 0.0.0.0 or :: is reached on loopback). */
function loopbackUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0' || u.hostname === '[::]') u.hostname = '127.0.0.1';
  return u.toString().replace(/\/$/, '');
}
