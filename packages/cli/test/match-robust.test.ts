// `vigil match` on files: the 8 orientations by default, `--robust` views, and no false matches
// between distinct generated images — through the real CLI against a bank built from a plain list.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { hashImageFile } from '@vigil/pdq';
import { generate, nth } from '../../pdq/test/generated.ts';
import { transformSet } from '../../pdq/test/transforms.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('vigil match: dihedral and robust matching', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-robust-'));
  const data = join(dir, 'data');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args, '--data', data, '--log-level', 'silent'], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
  const originals: Buffer[] = [];
  const file = (name: string) => join(dir, name);
  const t = Object.fromEntries(transformSet().map((x) => [x.name, x]));
  type Line = {
    file: string;
    matches: { external_id: string | null; distance: number; transform?: string; view?: string }[];
  };
  const lines = (out: string): Map<string, Line> =>
    new Map(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line)
        .map((l) => [l.file.split('/').pop()!, l]),
    );

  before(async () => {
    mkdirSync(data);
    const rows: string[] = [];
    for (let i = 0; originals.length < 4; i++) {
      const png = await generate(nth(i).kind, nth(i).seed, 480, 360);
      const h = await hashImageFile(png);
      if (h.quality < 50) continue;
      rows.push(h.pdq);
      originals.push(png);
    }
    // A plain hash list: nothing but the hashes.
    writeFileSync(file('list.txt'), rows.join('\n') + '\n');
    const imp = run('bank', 'import', 'LIST', file('list.txt'), '--create', 'block', '--signal-type', 'pdq');
    assert.equal(imp.status, 0, imp.stderr);
    mkdirSync(file('q'));
    mkdirSync(file('other'));
    writeFileSync(file('q/0-identity.jpg'), await sharp(originals[0]!).jpeg({ quality: 90 }).toBuffer());
    writeFileSync(file('q/0-mirror.jpg'), await t.mirror!.apply(originals[0]!, 0));
    writeFileSync(file('q/1-rotate-90.jpg'), await t['rotate-90']!.apply(originals[1]!, 1));
    writeFileSync(file('q/2-caption.jpg'), await t['caption-top-25']!.apply(originals[2]!, 2));
    writeFileSync(file('q/3-rotate+3.jpg'), await t['rotate+3']!.apply(originals[3]!, 3));
    writeFileSync(file('q/1-letterbox.jpg'), await t.letterbox!.apply(originals[1]!, 1));
    writeFileSync(file('q/3-crop-8.jpg'), await t['crop-8']!.apply(originals[3]!, 3));
    // Distinct images never listed, of every kind.
    for (let i = 0; i < 28; i++)
      writeFileSync(
        file(`other/${i}.jpg`),
        await sharp(await generate(nth(500 + i).kind, nth(500 + i).seed, 400, 300))
          .jpeg({ quality: 85 })
          .toBuffer(),
      );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('looks up all 8 orientations by default and says which matched', () => {
    const r = run('match', file('q'));
    assert.equal(r.status, 0, r.stderr);
    const l = lines(r.stdout);
    assert.equal(l.get('0-identity.jpg')!.matches[0]!.transform, 'identity');
    assert.equal(l.get('0-mirror.jpg')!.matches[0]!.transform, 'flipy', 'a left-right mirror is the flipy variant');
    assert.equal(l.get('1-rotate-90.jpg')!.matches[0]!.transform, 'rot90');
    for (const f of ['0-mirror.jpg', '1-rotate-90.jpg']) assert.ok(l.get(f)!.matches[0]!.distance <= 31);
    // Without --robust a caption bar or a small rotation is not matched: PDQ alone does not tolerate them.
    for (const f of ['2-caption.jpg', '3-rotate+3.jpg', '1-letterbox.jpg', '3-crop-8.jpg'])
      assert.deepEqual(l.get(f)!.matches, [], f);
    assert.match(r.stderr, /3 of 7 input\(s\) matched/);
  });

  it('--robust matches caption bars, letterboxes and small rotations through named views', () => {
    const r = run('match', '--robust', file('q'));
    assert.equal(r.status, 0, r.stderr);
    const l = lines(r.stdout);
    assert.match(l.get('2-caption.jpg')!.matches[0]?.view ?? '', /^trim/);
    assert.match(l.get('1-letterbox.jpg')!.matches[0]?.view ?? '', /^trim/);
    assert.match(l.get('3-rotate+3.jpg')!.matches[0]?.view ?? '', /^derotate\+[234]$/);
    assert.equal(l.get('0-mirror.jpg')!.matches[0]!.transform, 'flipy');
    // A crop: matched on the bits that do not depend on what the crop removed, distance scaled to 256 bits.
    assert.match(l.get('3-crop-8.jpg')!.matches[0]?.view ?? '', /^uncrop-/);
    assert.ok(l.get('3-crop-8.jpg')!.matches[0]!.distance <= 31);
    assert.match(r.stderr, /7 of 7 input\(s\) matched/);
  });

  it('--robust matches none of the distinct unlisted images', () => {
    const r = run('match', '--robust', file('other'));
    assert.equal(r.status, 0, r.stderr);
    const l = [...lines(r.stdout).values()];
    assert.equal(l.length, 28);
    assert.deepEqual(
      l.filter((x) => x.matches.length),
      [],
    );
  });
});
