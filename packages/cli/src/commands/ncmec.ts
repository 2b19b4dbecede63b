// `vigil ncmec render --example`: a complete, schema-valid CyberTipline report from the real builder.
import type { Command } from 'commander';
import { renderExampleReport } from '@vigil/ncmec';
import { fatal } from '../options.ts';

export function ncmecCommand(program: Command) {
  const ncmec = program.command('ncmec').description("NCMEC's CyberTipline");
  ncmec
    .command('render')
    .description("print a CyberTipline report as XML, validated against NCMEC's schema")
    .option('--example', 'the example report built from a neutral fixture')
    .option('--file-details', 'print the example fileDetails document instead')
    .action(async (opts: { example?: boolean; fileDetails?: boolean }) => {
      if (!opts.example)
        fatal(
          new Error('only --example can be rendered from the command line; reports are drafted from review decisions'),
        );
      try {
        process.stdout.write((await renderExampleReport({ fileDetails: !!opts.fileDetails })) + '\n');
      } catch (e) {
        fatal(e);
      }
    });
}
