import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_TERM_LIST, evaluate, formatByNote, formatReport, parseTermList, parseTsv } from '@vigil/text';
import { fatal } from '../options.ts';

export function textCommand(program: Command) {
  const text = program.command('text').description('coded-term detection on names and descriptions');
  text
    .command('eval <file>')
    .description('evaluate detection on a TSV with columns text, surface, expected (flag|clean) and optionally note')
    .option('--json', 'print {"precision","recall","tp","fp","fn","tn"} as the last line')
    .option('--list <file>', 'a term list JSON (default: the built-in seed list)')
    .option(
      '--by-note',
      'also print recall per value of the optional "note" column (and the share kept clean for clean rows)',
    )
    .action((file: string, opts: { json?: boolean; list?: string; byNote?: boolean }) => {
      try {
        const list = opts.list ? parseTermList(JSON.parse(readFileSync(opts.list, 'utf8'))) : DEFAULT_TERM_LIST;
        const report = evaluate(parseTsv(readFileSync(file, 'utf8')), list);
        process.stdout.write(formatReport(report) + '\n');
        if (opts.byNote) process.stdout.write(formatByNote(report) + '\n');
        if (opts.json) {
          const { precision, recall, tp, fp, fn, tn } = report;
          process.stdout.write(JSON.stringify({ precision, recall, tp, fp, fn, tn }) + '\n');
        }
      } catch (e) {
        fatal(e);
      }
    });
}
