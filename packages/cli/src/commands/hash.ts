// `vigil hash [--dihedral] [--jsonl] <files or folders>`: one JSON object per file on stdout.
// A bad file prints {"file", "error"} and the rest continue; a progress bar goes to stderr.
import type { Command } from 'commander';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashMedia, type MediaHashes } from '@vigil/pdq';
import { progressBar } from '../progress.ts';

export interface HashLine {
  file: string;
  pdq?: string;
  quality?: number;
  md5?: string;
  sha256?: string;
  dihedral?: Record<string, string>;
  vpdq?: { frame: number; timestamp: number; pdq: string; quality: number }[];
  error?: string;
}

/** Expands folders (recursively, sorted, hidden entries skipped) into files; keeps the order given. */
export async function expandPaths(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (p: string, top: boolean): Promise<void> => {
    let st;
    try {
      st = await stat(p);
    } catch {
      out.push(p); // reported as an error line, like any unreadable file
      return;
    }
    if (!st.isDirectory()) {
      if (top || st.isFile()) out.push(p);
      return;
    }
    const names = (await readdir(p)).filter((n) => !n.startsWith('.')).sort();
    for (const n of names) await visit(join(p, n), false);
  };
  for (const i of inputs) await visit(i, true);
  return out;
}

function toLine(file: string, h: MediaHashes, dihedral: boolean): HashLine {
  if (h.kind === 'video') {
    return {
      file,
      md5: h.md5,
      sha256: h.sha256,
      vpdq: h.frames.map((f) => ({ frame: f.index, timestamp: f.timestampSec, pdq: f.pdq, quality: f.quality })),
    };
  }
  const line: HashLine = { file, pdq: h.pdq, quality: h.quality, md5: h.md5, sha256: h.sha256 };
  if (dihedral && h.dihedral) line.dihedral = h.dihedral;
  return line;
}

export function hashCommand(program: Command) {
  program
    .command('hash')
    .description('hash images (PDQ, MD5, SHA-256) and videos (vPDQ); one JSON object per file')
    .argument('<paths...>', 'files or folders (folders are walked recursively)')
    .option('--dihedral', 'also print the 7 rotated and mirrored PDQ variants')
    .option('--jsonl', 'one compact JSON object per line (default: indented objects)')
    .option(
      '--fast',
      'fast mode: JPEGs with a shorter side ≥ 768 decode at 1/2, 1/4 or 1/8 scale; NOT bit-exact with the reference (measured median 0, max 4 bits on photograph-like 1024×768 and larger JPEGs, up to 16 bits on flat low-quality images; see packages/pdq/README.md). Lists you share should be hashed without it',
    )
    .option('--fps <n>', 'video frames hashed per second', '1')
    .option('--fail-on-error', 'exit with status 1 when any file could not be hashed')
    .action(
      async (
        paths: string[],
        opts: { dihedral?: boolean; jsonl?: boolean; fast?: boolean; fps: string; failOnError?: boolean },
      ) => {
        const fps = Number(opts.fps);
        if (!(fps >= 0)) {
          process.stderr.write(`vigil: --fps must be a number ≥ 0, got ${opts.fps}\n`);
          process.exit(2);
        }
        const files = await expandPaths(paths);
        const bar = progressBar('hashing');
        let failed = 0;
        // Two files in flight: sharp decodes one on libuv threads while the other is hashed; output keeps input order.
        const pending: Promise<HashLine>[] = [];
        const start = (f: string) =>
          hashMedia(f, { dihedral: !!opts.dihedral, fast: !!opts.fast, video: { fps } }).then(
            (h) => toLine(f, h, !!opts.dihedral),
            (e: Error) => ({ file: f, error: e.message }),
          );
        for (let i = 0; i < Math.min(2, files.length); i++) pending.push(start(files[i]!));
        for (let i = 0; i < files.length; i++) {
          const line = await pending[i]!;
          if (i + 2 < files.length) pending.push(start(files[i + 2]!));
          if (line.error) failed++;
          process.stdout.write(opts.jsonl ? JSON.stringify(line) + '\n' : JSON.stringify(line, null, 2) + '\n');
          bar.update(i + 1, files.length);
        }
        bar.stop();
        if (failed) process.stderr.write(`vigil: ${failed} of ${files.length} file(s) could not be hashed\n`);
        if (failed && opts.failOnError) process.exitCode = 1;
      },
    );
}
