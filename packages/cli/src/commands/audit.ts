import type { Command } from 'commander';
import { openDb, verifyAudit } from '@vigil/server';
import { configFrom, fatal, withServiceOptions } from '../options.ts';

export function auditCommand(program: Command) {
  const audit = program.command('audit').description('the append-only audit log');
  withServiceOptions(
    audit
      .command('verify')
      .description('recompute the hash chain; exit 1 if any entry was edited or removed')
      .option('--json', 'print the result as JSON'),
  ).action(async (opts) => {
    const cfg = (() => {
      try {
        return configFrom(opts);
      } catch (e) {
        fatal(e);
      }
    })();
    const db = openDb(cfg);
    try {
      const v = await verifyAudit(db.kysely);
      if (opts.json) process.stdout.write(JSON.stringify(v) + '\n');
      else if (v.ok) process.stdout.write(`audit log intact: ${v.entries} entries, head ${v.headSeq} ${v.headHash}\n`);
      else {
        process.stdout.write(`AUDIT LOG TAMPERED: ${v.problems.length} problem(s) in ${v.entries} entries\n`);
        for (const p of v.problems) process.stdout.write(`  entry ${p.seq}: ${p.problem} — ${p.detail}\n`);
      }
      process.exitCode = v.ok ? 0 : 1;
    } catch (e) {
      fatal(e);
    } finally {
      await db.close();
    }
  });
}
