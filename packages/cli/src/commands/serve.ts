import type { Command } from 'commander';
import { startService, withStreamUrl } from '@vigil/server';
import { configFrom, fatal, withServiceOptions } from '../options.ts';

export function stopOnSignals(stop: () => Promise<void>) {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(1);
      stopping = true;
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

export function serveCommand(program: Command) {
  withServiceOptions(
    program.command('serve').description('run the safety service: HTTP API, workers, webhook delivery'),
  )
    .option(
      '--stream <url>',
      'NATS JetStream (nats://host:4222; env VIGIL_STREAM): publish accepted events there for `vigil worker --stream`',
    )
    .action(async (opts) => {
      try {
        const svc = await startService(withStreamUrl(configFrom(opts), opts.stream));
        stopOnSignals(svc.stop);
      } catch (e) {
        fatal(e);
      }
    });
}
