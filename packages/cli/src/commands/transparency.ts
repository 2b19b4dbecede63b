// `vigil transparency --from DATE --to DATE [--format html|text|csv|json]`: figures counted from the records.
// HTML and text use the labels the report carries (the same words as the console); CSV and JSON keep the codes too.
import type { Command } from 'commander';
import { computeTransparency, transparencyCsv, transparencyHtml, transparencyText } from '@vigil/server';
import { fatal, withDb, withServiceOptions } from '../options.ts';

export function transparencyCommand(program: Command) {
  withServiceOptions(
    program
      .command('transparency')
      .description(
        'transparency figures for a period: reports filed, actions, hash matches, user reports, appeals, law-enforcement requests',
      )
      .requiredOption('--from <date>', 'first day (YYYY-MM-DD, UTC)')
      .requiredOption('--to <date>', 'last day, included (YYYY-MM-DD, UTC)')
      .option('--format <format>', 'html | text | csv | json', 'json'),
  ).action(async (opts) => {
    const render: Record<string, (t: Awaited<ReturnType<typeof computeTransparency>>) => string> = {
      html: transparencyHtml,
      text: transparencyText,
      csv: transparencyCsv,
      json: (t) => JSON.stringify(t, null, 2) + '\n',
    };
    if (!Object.hasOwn(render, opts.format)) fatal(new Error('--format must be html, text, csv or json'));
    await withDb(opts, async (db) => {
      const t = await computeTransparency(db.kysely, opts.from, opts.to);
      process.stdout.write(render[opts.format]!(t));
    });
  });
}
