import type { Command } from 'commander';
import {
  demoMediaRoute,
  isSeeded,
  seedCrowd,
  seedDemo,
  startService,
  writeDemoImages,
  DEMO_ADMIN,
} from '@vigil/server';
import { configFrom, fatal, withServiceOptions } from '../options.ts';
import { stopOnSignals } from './serve.ts';
import { findXsd } from '@vigil/ncmec';
import { startFakeCyberTipline } from '@vigil/ncmec/fake';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { seedConversations } from './demo-chat.ts';

export function demoCommand(program: Command) {
  withServiceOptions(
    program.command('demo').description('run the service on embedded SQLite with seeded demo data'),
  ).action(async (opts) => {
    try {
      const cfg = configFrom(opts);
      // The banner below carries one-time credentials: unless a level was asked for, keep the per-request log
      // out of the terminal so they do not scroll away (warnings and errors still show).
      if (!opts.logLevel && !process.env.LOG_LEVEL) cfg.logLevel = 'warn';
      // The demo plays the platform too: it hosts the stand-in images its events point at, on this machine.
      cfg.media.allowPrivateFetch = true;
      const mediaDir = await writeDemoImages(cfg.dataDir);
      // NCMEC cannot be reached from a laptop demo: a local stand-in CyberTipline takes the reports.
      let fakeNote = `  CyberTipline: ${cfg.ncmec.baseUrl} as ${cfg.ncmec.username}`;
      let stopFake = async () => {};
      if (!cfg.ncmec.username) {
        try {
          const password = randomBytes(12).toString('hex');
          const fake = await startFakeCyberTipline({ username: 'vigil-demo', password, xsdPath: findXsd() });
          cfg.ncmec = {
            ...cfg.ncmec,
            baseUrl: fake.url,
            username: 'vigil-demo',
            password,
            platformName: 'Vigil demo messenger',
            reporter: { firstName: 'Demo', lastName: 'Legal team', email: 'legal@example.org', ...cfg.ncmec.reporter },
          };
          fakeNote = `  CyberTipline: local stand-in at ${fake.url} (reports are not sent to NCMEC)`;
          stopFake = fake.close;
        } catch (e) {
          fakeNote = `  CyberTipline: not configured — ${(e as Error).message}`;
        }
      }
      const svc = await startService(cfg, { extraRoutes: [demoMediaRoute(mediaDir)] });
      stopOnSignals(async () => {
        await svc.stop();
        await stopFake();
      });
      const base = svc.url.replace('127.0.0.1', 'localhost');
      const lines = [
        `\nVigil demo running at ${base}`,
        `  Console:   ${base}/console`,
        `  API docs:  ${base}/docs   (OpenAPI: ${base}/openapi.json)`,
        `  Data:      ${cfg.databaseUrl ? 'PostgreSQL' : cfg.dataDir}`,
        fakeNote,
      ];
      if (!(await isSeeded(svc.ctx.db))) {
        const seed = await seedDemo(svc.ctx.db, svc.ctx.clock, `${svc.url}/demo-media`);
        svc.ctx.jobsAdded();
        lines.push(
          `  Seeded ${seed.events} platform events.`,
          `  Staff login (shown once):  ${seed.adminUsername} / ${seed.adminPassword}`,
          `  Platform API key (shown once, scopes ingest+read): ${seed.ingestKey}`,
        );
        // The messenger side: encrypted conversations made with `vigil chat`, one of them reported.
        try {
          const c = await seedConversations(base, join(cfg.dataDir, 'demo-chat'));
          svc.ctx.jobsAdded();
          lines.push(
            `  Messenger: ${c.messages} end-to-end encrypted messages between ${Object.keys(c.passwords).join(', ')} (one reported).`,
            `    Passwords (shown once): ${Object.entries(c.passwords)
              .map(([u, p]) => `${u} / ${p}`)
              .join(',  ')}`,
            `    Try:  vigil chat --server ${base} --home ${c.home} --as ben.demo read --follow`,
          );
        } catch (e) {
          lines.push(`  Messenger: seeding conversations failed: ${(e as Error).message}`);
        }
        // A few hundred generated ordinary subjects with reports, so paging, search and bulk have work to show.
        const crowd = await seedCrowd(svc.ctx.db, svc.ctx.clock, `${svc.url}/demo-media`);
        svc.ctx.jobsAdded();
        lines.push(
          `  Generated crowd: ${crowd} more events (a few hundred cases for paging, search and bulk decisions).`,
        );
      } else {
        lines.push(
          `  Demo data already seeded; staff login "${DEMO_ADMIN}" (its password was printed on the first run; reset it with \`vigil admin password ${DEMO_ADMIN}\`).`,
        );
      }
      process.stdout.write(lines.join('\n') + '\n\n');
    } catch (e) {
      fatal(e);
    }
  });
}
