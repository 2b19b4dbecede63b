import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { backtestRule, openDb } from '@vigil/server';
import { configFrom, fatal, withServiceOptions } from '../options.ts';
import { progressBar } from '../progress.ts';

export function rulesCommand(program: Command) {
  const rules = program.command('rules').description('detection rules');
  withServiceOptions(
    rules
      .command('backtest')
      .description('replay stored events through a rule and report what it would have done (changes nothing)')
      .requiredOption('--rule <file>', 'JSON file: {"expression": "<CEL>", "outcome": {...}}')
      .requiredOption('--since <date>', 'first event time (ISO date or date-time)')
      .option('--until <date>', 'stop before this time')
      .option('--json', 'print the report as JSON'),
  ).action(async (opts) => {
    const cfg = (() => {
      try {
        return configFrom(opts);
      } catch (e) {
        fatal(e);
      }
    })();
    let rule: { expression: string; outcome: unknown };
    try {
      rule = JSON.parse(readFileSync(opts.rule, 'utf8'));
    } catch (e) {
      fatal(new Error(`cannot read rule file ${opts.rule}: ${(e as Error).message}`));
    }
    const since = new Date(opts.since);
    if (Number.isNaN(since.getTime())) fatal(new Error(`--since: not a date: ${opts.since}`));
    const until = opts.until ? new Date(opts.until) : undefined;
    if (until && Number.isNaN(until.getTime())) fatal(new Error(`--until: not a date: ${opts.until}`));
    const db = openDb(cfg);
    const bar = progressBar('backtest');
    try {
      const r = await backtestRule(db.kysely, rule, { since, until, onProgress: bar.update });
      bar.stop();
      if (opts.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
      } else {
        process.stdout.write(
          `${r.events} events replayed; the rule matched ${r.matchedEvents} of them, on ${r.subjects.length} subject(s)\n`,
        );
        for (const s of r.subjects.slice(0, 50))
          process.stdout.write(
            `  ${s.type} ${s.id} (${s.platform}): ${s.matches} match(es), first at event ${s.firstEventId}\n`,
          );
        if (r.subjects.length > 50) process.stdout.write(`  … and ${r.subjects.length - 50} more (use --json)\n`);
        if (r.errors.length)
          process.stdout.write(
            `${r.errors.length} evaluation error(s), first: event ${r.errors[0]!.eventId}: ${r.errors[0]!.error}\n`,
          );
      }
    } catch (e) {
      bar.stop();
      fatal(e);
    } finally {
      await db.close();
    }
  });
}
