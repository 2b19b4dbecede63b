// `vigil transparency --from DATE --to DATE [--format html|csv|json]`: figures counted from the records.
import type { Command } from 'commander';
import { computeTransparency, transparencyCsv, transparencyHtml } from '@vigil/server';
import { fatal, withDb, withServiceOptions } from '../options.ts';

export function transparencyCommand(program: Command) {
  withServiceOptions(
    program
      .command('transparency')
      .description('transparency figures for a period: reports filed, actions, hash matches, user reports, appeals, law-enforcement requests')
      .requiredOption('--from <date>', 'first day (YYYY-MM-DD, UTC)')
      .requiredOption('--to <date>', 'last day, included (YYYY-MM-DD, UTC)')
      .option('--format <format>', 'html | csv | json', 'json'),
  ).action(async (opts) => {
    if (!['html', 'csv', 'json'].includes(opts.format)) fatal(new Error('--format must be html, csv or json'));
    await withDb(opts, async (db) => {
      const t = await computeTransparency(db.kysely, opts.from, opts.to);
      process.stdout.write(opts.format === 'html' ? transparencyHtml(t) : opts.format === 'csv' ? transparencyCsv(t) : JSON.stringify(t, null, 2) + '\n');
    });
  });
}
