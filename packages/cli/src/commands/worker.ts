import type { Command } from 'commander';
import { startWorkerService, withStreamUrl } from '@vigil/server';
import { configFrom, fatal } from '../options.ts';
import { stopOnSignals } from './serve.ts';

export function workerCommand(program: Command) {
  program
    .command('worker')
    .description(
      'run only job workers (no HTTP API) against the shared database; start several, on several machines, for more throughput',
    )
    .option('-d, --data <dir>', 'data directory (env VIGIL_DATA, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL); SQLite in the data directory without it')
    .option('-c, --config <file>', 'JSON config file (env VIGIL_CONFIG)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL)')
    .option('--workers <n>', 'job workers in this process (env VIGIL_WORKERS, default 1)')
    .option('--host <host>', 'address the metrics port listens on (env HOST, default 127.0.0.1)')
    .option('--metrics-port <port>', 'serve /metrics, /readyz and /healthz on this port')
    .option(
      '--stream <url>',
      'consume events from NATS JetStream (nats://host:4222; env VIGIL_STREAM), as published by `vigil serve --stream`',
    )
    .action(async (opts) => {
      try {
        const cfg = withStreamUrl(configFrom(opts), opts.stream);
        const metricsPort = opts.metricsPort === undefined ? undefined : Number(opts.metricsPort);
        if (metricsPort !== undefined && !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65535))
          throw new Error(`--metrics-port must be a port number (got "${opts.metricsPort}")`);
        const svc = await startWorkerService(cfg, { metricsPort });
        stopOnSignals(svc.stop);
      } catch (e) {
        fatal(e);
      }
    });
}
