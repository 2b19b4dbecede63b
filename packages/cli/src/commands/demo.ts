import type { Command } from 'commander';
import { demoMediaRoute, isSeeded, seedDemo, startService, writeDemoImages, DEMO_ADMIN } from '@vigil/server';
import { configFrom, fatal, withServiceOptions } from '../options.ts';
import { stopOnSignals } from './serve.ts';

export function demoCommand(program: Command) {
  withServiceOptions(program.command('demo').description('run the service on embedded SQLite with seeded demo data')).action(async (opts) => {
    try {
      const cfg = configFrom(opts);
      // The demo plays the platform too: it hosts the stand-in images its events point at, on this machine.
      cfg.media.allowPrivateFetch = true;
      const mediaDir = await writeDemoImages(cfg.dataDir);
      const svc = await startService(cfg, { extraRoutes: [demoMediaRoute(mediaDir)] });
      stopOnSignals(svc.stop);
      const base = svc.url.replace('127.0.0.1', 'localhost');
      const lines = [`\nVigil demo running at ${base}`, `  Console:   ${base}/console`, `  API docs:  ${base}/docs   (OpenAPI: ${base}/openapi.json)`, `  Data:      ${cfg.databaseUrl ? 'PostgreSQL' : cfg.dataDir}`];
      if (!(await isSeeded(svc.ctx.db))) {
        const seed = await seedDemo(svc.ctx.db, svc.ctx.clock, `${svc.url}/demo-media`);
        svc.ctx.jobsAdded();
        lines.push(
          `  Seeded ${seed.events} platform events.`,
          `  Staff login (shown once):  ${seed.adminUsername} / ${seed.adminPassword}`,
          `  Platform API key (shown once, scopes ingest+read): ${seed.ingestKey}`,
        );
      } else {
        lines.push(`  Demo data already seeded; staff login "${DEMO_ADMIN}" (its password was printed on the first run; reset it with \`vigil admin password ${DEMO_ADMIN}\`).`);
      }
      process.stdout.write(lines.join('\n') + '\n\n');
    } catch (e) {
      fatal(e);
    }
  });
}
