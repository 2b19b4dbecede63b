// `vigil match <files, folders or hashes>`: hash files like `vigil hash` and look them up in the banks.
import type { Command } from 'commander';
import { hashMedia } from '@vigil/pdq';
import { BankIndex, matchMedia, migrateToLatest, openDb, type BankMatch } from '@vigil/server';
import { configFrom, fatal, withServiceOptions } from '../options.ts';
import { progressBar } from '../progress.ts';
import { expandPaths } from './hash.ts';

const HEX = /^[0-9a-fA-F]+$/;

/** A bare hash on the command line: 64 hex digits is PDQ unless --sha256, 32 is MD5. */
function hashArg(a: string, sha256: boolean) {
  if (!HEX.test(a)) return null;
  if (a.length === 32) return { md5: a.toLowerCase() };
  if (a.length === 64) return sha256 ? { sha256: a.toLowerCase() } : { pdq: a.toLowerCase() };
  return null;
}

const brief = (m: BankMatch & { frame?: number }) => ({
  bank: m.bank,
  signal_type: m.signalType,
  distance: m.distance,
  entry_id: m.entryId,
  external_id: m.externalId,
  tags: m.tags,
  confirmed: m.confirmed,
  ...(m.transform ? { transform: m.transform } : {}),
  ...(m.view ? { view: m.view } : {}),
  ...(m.frame === undefined ? {} : { frame: m.frame }),
});

export function matchCommand(program: Command) {
  withServiceOptions(
    program
      .command('match')
      .description(
        'match files (hashed locally, in all 8 orientations; video frames too) or hashes against the banks; one JSON line per input',
      )
      .argument('<inputs...>', 'files, folders, PDQ hashes (64 hex) or MD5 hashes (32 hex)')
      .option('--max-distance <n>', 'PDQ Hamming distance threshold (default: the configured one, 31)')
      .option('--sha256', 'treat 64-hex arguments as SHA-256 instead of PDQ')
      .option(
        '--robust',
        'also match files through robust views: bars and borders trimmed, crops and uncrops ' +
          '(on the bits a crop leaves known), small derotations; see bench/RESULTS.md',
      ),
  ).action(async (inputs: string[], opts) => {
    const cfg = (() => {
      try {
        return configFrom(opts);
      } catch (e) {
        fatal(e);
      }
    })();
    const d = opts.maxDistance === undefined ? cfg.matching.pdqThreshold : Number(opts.maxDistance);
    if (!Number.isInteger(d) || d < 0 || d > 256) fatal(new Error('--max-distance must be an integer from 0 to 256'));
    const db = openDb(cfg);
    try {
      await migrateToLatest(db);
      const index = new BankIndex();
      await index.refresh(db.kysely);
      const hashes = inputs.filter((a) => hashArg(a, !!opts.sha256));
      const files = await expandPaths(inputs.filter((a) => !hashArg(a, !!opts.sha256)));
      let matched = 0;
      for (const h of hashes) {
        const r = await index.lookup(db.kysely, hashArg(h, !!opts.sha256)!, d);
        if (r.matches.length) matched++;
        process.stdout.write(
          JSON.stringify({ hash: h.toLowerCase(), matches: r.matches.map(brief), allowed: r.allowed.map(brief) }) +
            '\n',
        );
      }
      const bar = progressBar('matching');
      for (const [i, f] of files.entries()) {
        try {
          // Images are always looked up in all 8 orientations (mirrored, rotated by quarter turns: DCT-domain
          // variants and turned pixels); the match says which.
          const h = await hashMedia(f, { dihedral: true, reoriented: true, robust: !!opts.robust });
          const r = await matchMedia(db.kysely, index, h, d);
          if (r.matches.length) matched++;
          process.stdout.write(
            JSON.stringify({
              file: f,
              ...(h.kind === 'image' ? { pdq: h.pdq } : { frames: h.frames.length }),
              md5: h.md5,
              sha256: h.sha256,
              matches: r.matches.map(brief),
              allowed: r.allowed.map(brief),
            }) + '\n',
          );
        } catch (e) {
          process.stdout.write(JSON.stringify({ file: f, error: (e as Error).message }) + '\n');
        }
        bar.update(i + 1, files.length);
      }
      bar.stop();
      process.stderr.write(`vigil: ${matched} of ${hashes.length + files.length} input(s) matched\n`);
    } catch (e) {
      fatal(e);
    } finally {
      await db.close();
    }
  });
}
