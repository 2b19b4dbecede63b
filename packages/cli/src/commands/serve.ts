import type { Command } from 'commander';
import { startService } from '@vigil/server';
import { configFrom, fatal, withServiceOptions } from '../options.ts';

export function stopOnSignals(stop: () => Promise<void>) {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(1);
      stopping = true;
      stop().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

export function serveCommand(program: Command) {
  withServiceOptions(program.command('serve').description('run the safety service: HTTP API, workers, webhook delivery')).action(async (opts) => {
    try {
      const svc = await startService(configFrom(opts));
      stopOnSignals(svc.stop);
    } catch (e) {
      fatal(e);
    }
  });
}
