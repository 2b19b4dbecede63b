// `vigil serve`: one process with the HTTP API, the job workers and the webhook deliverer.
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { sqlitePathOf } from './config.ts';
import { connect, type Db } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { buildApp } from './app.ts';
import { Worker, type JobHandler } from './queue/worker.ts';
import { applyEventHandler, enqueueAnalysis } from './ingest/apply.ts';
import { analyzeEventHandler } from './detect/analyze-job.ts';
import { behaviourAnalyser } from './detect/behaviour.ts';
import { externalAnalyser } from './detect/external.ts';
import { ensureDefaultRules } from './detect/rules-store.ts';
import { textAnalyser } from './detect/text-analyser.ts';
import { ensureDefaultTermList } from './detect/term-lists.ts';
import type { Analyser } from './detect/signals.ts';
import { BankIndex } from './media/bank-index.ts';
import { mediaMatchAnalyser } from './media/match-analyser.ts';
import { flagMatchAnalyser, startEscalationLoop } from './flags/lifecycle.ts';
import { startExchangeLoop } from './exchanges/runner.ts';
import { fileReportJob } from './legal/reports.ts';
import { preserveJob } from './legal/preserve-job.ts';
import { verifyReportFollowUp } from './reports/verify.ts';
import { voucherAnalyser } from './psi/voucher-analyser.ts';
import { startRetentionLoop } from './legal/retention-loop.ts';
import { deliverDue } from './webhooks/outbox.ts';
import { systemClock, type Clock } from './util/time.ts';
import { loosePermissions, sensitivePaths } from './util/file-perms.ts';
import type { VigilApp, RouteModule } from './http/route.ts';
import type { AppContext } from './context.ts';
import { timedAnalyser } from './metrics/timed.ts';
import { loadKeyring } from './keys/keyring.ts';

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

export function jobHandlers(cfg: Config, bankIndex = new BankIndex(), log?: Logger): Record<string, JobHandler> {
  return { 'event.apply': applyEventHandler([verifyReportFollowUp(cfg), enqueueAnalysis]), 'event.analyze': analyzeEventHandler(analysers(cfg, bankIndex), cfg.media), 'ncmec.file': fileReportJob(cfg, log), 'vault.preserve': preserveJob(cfg) };
}

export async function startService(cfg: Config, opts: { log?: Logger; clock?: Clock; listen?: boolean; extraRoutes?: RouteModule[] } = {}): Promise<Service> {
  const log = opts.log ?? pino({ level: cfg.logLevel });
  const clock = opts.clock ?? systemClock;
  const db = openDb(cfg);
  // Files created by older versions (or by hand) may be readable by other local users.
  for (const p of loosePermissions(sensitivePaths(cfg.dataDir, cfg.databaseUrl ? undefined : sqlitePathOf(cfg)))) {
    log.warn({ path: p.path, mode: p.mode }, `${p.path} is readable by other users (mode ${p.mode}); it holds reported content or keys: ${p.fix}`);
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

  const workers: Worker[] = [];
  const bankIndex = new BankIndex();
  const ctx: AppContext = { cfg, db, clock, log, jobsAdded: () => workers.forEach((w) => w.nudge()), bankIndex };
  for (let i = 0; i < cfg.workers; i++) {
    workers.push(new Worker({ db, handlers: jobHandlers(cfg, bankIndex, log), clock, log, workerId: `${hostname()}:${process.pid}:${i}`, leaseMs: cfg.jobLeaseMs }));
  }
  const app = await buildApp(ctx, opts.extraRoutes);

  // The webhook deliverer: a plain loop, like the workers.
  let stopping = false;
  const deliverer = (async () => {
    while (!stopping) {
      const n = await deliverDue({ db, clock, log, maxAttempts: cfg.webhooks.maxAttempts, timeoutMs: cfg.webhooks.timeoutMs, allowPrivate: cfg.webhooks.allowPrivateTargets }).catch((err) => {
        log.error({ err }, 'webhook loop error');
        return 0;
      });
      if (!n) await new Promise((r) => setTimeout(r, 500));
    }
  })();

  workers.forEach((w) => w.start());
  const stopEscalation = startEscalationLoop(db, clock, log);
  const stopRetention = startRetentionLoop(db.kysely, clock, log);
  const stopExchanges = cfg.exchanges.enabled ? startExchangeLoop(db.kysely, cfg, clock, log, `${hostname()}:${process.pid}`) : async () => {};
  let url = '';
  if (opts.listen !== false) {
    url = await app.listen({ port: cfg.port, host: cfg.host });
  }
  return {
    app,
    ctx,
    url,
    async stop() {
      stopping = true;
      await app.close();
      await Promise.all(workers.map((w) => w.stop()));
      await deliverer;
      await stopEscalation();
      await stopExchanges();
      await stopRetention();
      await db.close();
    },
  };
}
