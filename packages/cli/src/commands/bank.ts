// `vigil bank list|import|export`: hash banks from the terminal, against the configured database.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import {
  addEntries,
  bankByName,
  createBank,
  HMA_CSV_HEADER,
  hmaCsvRow,
  LIST_FORMATS,
  parseList,
  systemClock,
  VigilError,
} from '@vigil/server';
import { fatal, withDb, withServiceOptions } from '../options.ts';
import { progressBar } from '../progress.ts';

export function bankCommand(program: Command) {
  const bank = program.command('bank').description('hash banks: list, import, export');

  withServiceOptions(
    bank.command('list').description('banks with their kind, state and entry counts').option('--json', 'print JSON'),
  ).action(async (opts) => {
    await withDb(opts, async (db) => {
      const rows = await db.kysely
        .selectFrom('banks')
        .leftJoin('bank_entries', 'bank_entries.bank_id', 'banks.id')
        .select([
          'banks.name',
          'banks.kind',
          'banks.enabled',
          (eb) => eb.fn.count<number>('bank_entries.id').as('entries'),
        ])
        .groupBy(['banks.name', 'banks.kind', 'banks.enabled'])
        .orderBy('banks.name')
        .execute();
      const banks = rows.map((r) => ({ name: r.name, kind: r.kind, enabled: !!r.enabled, entries: Number(r.entries) }));
      if (opts.json) process.stdout.write(JSON.stringify({ banks }) + '\n');
      else {
        const w = Math.max(4, ...banks.map((b) => b.name.length));
        process.stdout.write(`${'NAME'.padEnd(w)}  KIND   STATE     ENTRIES\n`);
        for (const b of banks)
          process.stdout.write(
            `${b.name.padEnd(w)}  ${b.kind.padEnd(5)}  ${(b.enabled ? 'enabled' : 'disabled').padEnd(8)}  ${b.entries}\n`,
          );
      }
    });
  });

  withServiceOptions(
    bank
      .command('import <bank> <file>')
      .description('import a hash list into a bank, all or nothing (a bad line rejects the file)')
      .option('-f, --format <format>', `auto | ${LIST_FORMATS.join(' | ')}`, 'auto')
      .option('-t, --signal-type <type>', 'for plain lists: pdq | md5 | sha256')
      .option('--source <source>', 'source recorded on each entry (e.g. the list provider)')
      .option('--create <kind>', 'create the bank first if missing: block | allow'),
  ).action(async (bankName: string, file: string, opts) => {
    if (opts.format !== 'auto' && !LIST_FORMATS.includes(opts.format))
      fatal(new Error(`--format must be auto or one of ${LIST_FORMATS.join(', ')}`));
    if (opts.signalType && !['pdq', 'md5', 'sha256'].includes(opts.signalType))
      fatal(new Error('--signal-type must be pdq, md5 or sha256'));
    if (opts.create && !['block', 'allow'].includes(opts.create)) fatal(new Error('--create must be block or allow'));
    const text = await readFile(file, 'utf8').catch((e: Error) =>
      fatal(new Error(`cannot read ${file}: ${e.message}`)),
    );
    await withDb(opts, async (db) => {
      let entries = parseList(text, opts.format, opts.signalType);
      if (opts.source) entries = entries.map((e) => ({ source: opts.source, ...e }));
      if (!entries.length) throw new VigilError('bank_error', `${file} holds no entries`);
      const exists = await bankByName(db.kysely, bankName).then(
        () => true,
        () => false,
      );
      if (!exists) {
        if (!opts.create)
          throw new VigilError('not_found', `bank "${bankName}" not found (add --create block|allow to create it)`);
        await createBank(db.kysely, { name: bankName, kind: opts.create }, 'cli', systemClock);
      }
      const bar = progressBar(`importing into ${bankName}`);
      const r = await addEntries(db.kysely, bankName, entries, 'cli', systemClock, (done, total) =>
        bar.update(done, total),
      );
      bar.stop();
      process.stdout.write(JSON.stringify({ bank: bankName, read: entries.length, ...r }) + '\n');
    });
  });

  withServiceOptions(
    bank
      .command('export <bank>')
      .description('export a bank')
      .option('-f, --format <format>', 'plain | hma-csv | jsonl', 'hma-csv')
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  ).action(async (bankName: string, opts) => {
    if (!['plain', 'hma-csv', 'jsonl'].includes(opts.format))
      fatal(new Error('--format must be plain, hma-csv or jsonl'));
    await withDb(opts, async (db) => {
      const b = await bankByName(db.kysely, bankName);
      const out = opts.output ? createWriteStream(opts.output) : process.stdout;
      const write = (s: string) =>
        new Promise<void>((res, rej) => (out.write(s) ? res() : out.once('drain', res), out.once('error', rej)));
      const total = Number(
        (
          await db.kysely
            .selectFrom('bank_entries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('bank_id', '=', b.id)
            .executeTakeFirst()
        )?.n ?? 0,
      );
      const bar = progressBar(`exporting ${bankName}`);
      if (opts.format === 'hma-csv') await write(HMA_CSV_HEADER);
      let after = 0,
        done = 0;
      for (;;) {
        const rows = await db.kysely
          .selectFrom('bank_entries')
          .selectAll()
          .where('bank_id', '=', b.id)
          .where('id', '>', after)
          .orderBy('id')
          .limit(10_000)
          .execute();
        if (!rows.length) break;
        await write(
          rows
            .map((r) => {
              if (opts.format === 'plain') return `${r.value}\n`;
              if (opts.format === 'jsonl')
                return (
                  JSON.stringify({
                    signal_type: r.signal_type,
                    value: r.value,
                    external_id: r.external_id,
                    tags: r.tags ? r.tags.split(',') : [],
                    note: r.note,
                    source: r.source,
                    confirmed: !!r.confirmed,
                    disabled: !!r.disabled,
                    added_at: r.added_at,
                  }) + '\n'
                );
              return hmaCsvRow({ ...r, id: Number(r.id) });
            })
            .join(''),
        );
        after = Number(rows.at(-1)!.id);
        bar.update((done += rows.length), total);
      }
      bar.stop();
      if (opts.output) await new Promise<void>((res) => (out as ReturnType<typeof createWriteStream>).end(res));
    });
  });
}
