// Robust matching: false matches between distinct images, recall per transform through the real
// `vigil match --robust`, and cost per query image. Run: npm run bench robust
// (sections: `-- false`, `-- recall`, `-- cost`; all three by default; `-- misses`: in-process recall
// with the closest distance of every miss, `FAMILY=crop` to limit it). Benign generated images only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { hashImageFile, decodeLuma, PdqHasher } from '../packages/pdq/src/index.ts';
import {
  DIHEDRAL_NAMES,
  viewFamily,
  viewThreshold,
  maskedThreshold,
  knownBits,
  MASK_MIN_KNOWN,
} from '../packages/pdq/src/core.ts';
import { generate, nth, KINDS } from '../packages/pdq/test/generated.ts';
import { transformSet } from '../packages/pdq/test/transforms.ts';
import { writeTransformSet } from './transforms.ts';

const args = process.argv.slice(2);
const want = (s: string) => (!args.length && s !== 'misses') || args.includes(s);
const THRESHOLD = 31;
sharp.concurrency(1);

const words = (hex: string) =>
  Uint32Array.from({ length: 8 }, (_, i) => parseInt(hex.slice(i * 8, i * 8 + 8), 16) >>> 0);
function popcnt(x: number) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

if (want('false')) {
  // Distinct images: listed side = plain PDQ of each; query side = each image's every probe (itself,
  // 7 dihedrals, robust views). Every (query i, listed j ≠ i) pair is compared.
  const N = Number(process.env.N ?? 2100);
  const t0 = performance.now();
  const listed = new Uint32Array(N * 8);
  const quality: number[] = [];
  // Uncrop views carry a mask: only its bits count, and their distance is scaled to 256 bits.
  const probes: { family: string; w: Uint32Array; mask?: Uint32Array; known?: number; t: number }[][] = [];
  // HASH_CACHE=<file>: reuse the hashes of an earlier run (same N, same code) to re-analyse.
  const cache = process.env.HASH_CACHE;
  type Row = {
    pdq: string;
    quality: number;
    dihedral: Record<string, string>;
    views: { view: string; pdq: string; mask?: string }[];
  };
  let hashed: Row[] = [];
  if (cache && existsSync(cache)) hashed = JSON.parse(readFileSync(cache, 'utf8')) as Row[];
  if (hashed.length !== N) {
    hashed = [];
    for (let i = 0; i < N; i++) {
      const { kind, seed } = nth(i);
      const jpg = await sharp(await generate(kind, seed, 400, 300))
        .jpeg({ quality: 85 })
        .toBuffer();
      const h = await hashImageFile(jpg, { dihedral: true, robust: true });
      hashed.push({
        pdq: h.pdq,
        quality: h.quality,
        dihedral: h.dihedral!,
        views: h.views!.map((v) => ({ view: v.view, pdq: v.pdq, ...(v.mask ? { mask: v.mask } : {}) })),
      });
    }
    if (cache) writeFileSync(cache, JSON.stringify(hashed));
  }
  for (const [i, h] of hashed.entries()) {
    listed.set(words(h.pdq), i * 8);
    quality.push(h.quality);
    probes.push([
      { family: 'image', w: words(h.pdq), t: THRESHOLD },
      // As matching does: no dihedral lookups for an image with quality < 50 (match-media.ts).
      ...(h.quality >= 50
        ? DIHEDRAL_NAMES.map((n) => ({ family: 'dihedral', w: words(h.dihedral[n]!), t: THRESHOLD }))
        : []),
      ...h.views.flatMap((v) => {
        if (!v.mask) return [{ family: v.view, w: words(v.pdq), t: viewThreshold(v.view, THRESHOLD) }];
        const known = knownBits(v.mask),
          t = maskedThreshold(v.view, THRESHOLD, known);
        return t < 0 ? [] : [{ family: v.view, w: words(v.pdq), mask: words(v.mask), known, t }];
      }),
    ]);
  }
  const genSec = (performance.now() - t0) / 1000;
  // Per probe family: how many comparisons, a histogram of distances, and the closest pairs.
  const stats = new Map<string, { n: number; hist: Float64Array; min: number; pair: string; within: number }>();
  const minQ = Number(process.env.MIN_QUALITY ?? 0);
  for (let i = 0; i < N; i++) {
    for (const p of probes[i]!) {
      const fam = viewFamily(p.family);
      let s = stats.get(fam);
      if (!s) stats.set(fam, (s = { n: 0, hist: new Float64Array(257), min: 257, pair: '', within: 0 }));
      const q = p.w,
        m = p.mask;
      for (let j = 0; j < N; j++) {
        if (j === i || quality[j]! < minQ) continue;
        let d = 0;
        if (m) for (let k = 0; k < 8; k++) d += popcnt((q[k]! ^ listed[j * 8 + k]!) & m[k]!);
        else for (let k = 0; k < 8; k++) d += popcnt(q[k]! ^ listed[j * 8 + k]!);
        if (d <= p.t) s.within++;
        if (p.known) d = Math.round((d * 256) / p.known);
        s.n++;
        s.hist[d]!++;
        if (d < s.min) {
          s.min = d;
          s.pair = `${nth(i).kind}#${i} (${p.family}) vs ${nth(j).kind}#${j}`;
        }
      }
    }
  }
  console.log(
    `distinct set: ${N} images (${KINDS.join(', ')}; 400×300 JPEG q85), hashed in ${genSec.toFixed(0)} s; listed side: quality ≥ ${minQ}`,
  );
  console.log(`quality < 50: ${quality.filter((q) => q < 50).length} of ${N}`);
  console.log(
    'family        comparisons   closest  ≤31  ≤40  ≤50  ≤60  threshold  within it  projected false matches per query at 10^6 listed',
  );
  let total = 0;
  for (const [fam, s] of [...stats.entries()].sort((a, b) => a[1].min - b[1].min)) {
    const cum = (d: number) => s.hist.slice(0, d + 1).reduce((a, b) => a + b, 0);
    const t = viewThreshold(fam === 'image' || fam === 'dihedral' ? 'image' : `${fam}`, THRESHOLD);
    // Tail extrapolation: a straight line through log(cumulative fraction) against distance, fitted
    // where the lower tail has between 10 and 10^5 comparisons (enough counts to be stable, still
    // the tail), evaluated at the family's threshold. Real tails bend down further, so this errs high.
    const xs: number[] = [],
      ys: number[] = [];
    for (let d = 0; d <= 256; d++) {
      if (cum(d) >= 10 && cum(d) <= 1e5) {
        xs.push(d);
        ys.push(Math.log(cum(d) / s.n));
      }
    }
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length,
      my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const slope = xs.reduce((a, x, k) => a + (x - mx) * (ys[k]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    // Uncrop views' distances are scaled to 256 bits (their own threshold scales the same way).
    const pAtT = s.within > 0 ? s.within / s.n : Math.exp(my + slope * (t - mx));
    const perQuery = (pAtT * 1e6 * s.n) / (N * (N - 1)); // probes of this family per query × 10^6 × rate
    total += perQuery;
    console.log(
      `${fam.padEnd(13)} ${String(s.n).padStart(11)}   ${String(s.min).padStart(7)}  ${[31, 40, 50, 60].map((d) => String(cum(d)).padStart(4)).join(' ')}  ${String(t).padStart(9)}  ${String(s.within).padStart(9)}  ${perQuery.toExponential(1)} (fit over ${xs[0]}–${xs.at(-1)} bits)   closest: ${s.pair}`,
    );
  }
  console.log(
    `all probes together: projected ${total.toExponential(1)} false matches per query image against 10^6 listed hashes`,
  );
}

if (want('misses')) {
  // The transform set in-process (what `vigil match --robust` looks up, without the CLI): per
  // transform the originals matched, and for each miss the closest probe at any distance (uncrop
  // views: on their known bits, scaled to 256; `known` says how many, below MASK_MIN_KNOWN = no match).
  const n = Number(process.env.ORIGINALS ?? 20);
  const originals: { png: Buffer; pdq: string; kind: string }[] = [];
  for (let i = 0; originals.length < n; i++) {
    const png = await generate(nth(i).kind, nth(i).seed, 640, 480);
    const h = await hashImageFile(png);
    if (h.quality >= 50) originals.push({ png, pdq: h.pdq, kind: nth(i).kind });
  }
  const dist = (a: Uint32Array, b: Uint32Array, m?: Uint32Array) => {
    let d = 0;
    for (let k = 0; k < 8; k++) d += popcnt((a[k]! ^ b[k]!) & (m ? m[k]! : 0xffffffff));
    return d;
  };
  for (const t of transformSet().filter((x) => !process.env.FAMILY || x.family === process.env.FAMILY)) {
    let hits = 0;
    const misses: string[] = [];
    // What a stricter `VIEW_MAX_DISTANCE.uncrop` would keep: per original, the smallest cap an uncrop view needs.
    const caps = [28, 26, 24],
      atCap = caps.map(() => 0);
    for (const [i, o] of originals.entries()) {
      const q = await hashImageFile(await t.apply(o.png, i), { dihedral: true, robust: true });
      const L = words(o.pdq);
      let best = { d: 257, via: '', known: 256 },
        hit = false,
        other = false,
        need = Infinity;
      // As matching looks them up (match-media.ts): the image, its dihedrals (quality ≥ 50), its views under their caps.
      const probes: { view: string; pdq: string; mask?: string; t?: number }[] = [
        { view: 'image', pdq: q.pdq, t: THRESHOLD },
        ...(q.quality >= 50 ? DIHEDRAL_NAMES.map((v) => ({ view: v, pdq: q.dihedral![v]!, t: THRESHOLD })) : []),
        ...q.views!,
      ];
      for (const p of probes) {
        const m = p.mask ? words(p.mask) : undefined,
          known = p.mask ? knownBits(p.mask) : 256;
        const d = dist(words(p.pdq), L, m);
        const t = p.t ?? (m ? maskedThreshold(p.view, THRESHOLD, known) : viewThreshold(p.view, THRESHOLD));
        if (d <= t) {
          hit = true;
          other ||= !m;
        }
        if (m && known >= MASK_MIN_KNOWN) need = Math.min(need, Math.ceil((d * 256) / known));
        const scaled = Math.round((d * 256) / known);
        if (scaled < best.d) best = { d: scaled, via: p.view, known };
      }
      caps.forEach((c, k) => (atCap[k]! += other || need <= c ? 1 : 0));
      if (hit) hits++;
      else misses.push(`#${i} ${o.kind}: ${best.d} via ${best.via}${best.known < 256 ? ` (${best.known} known)` : ''}`);
    }
    console.log(
      `${t.name.padEnd(22)} ${String(hits).padStart(2)}/${originals.length} (uncrop cap ${caps.join('/')}: ${atCap.join('/')})${misses.length ? `  misses: ${misses.join('; ')}` : ''}`,
    );
  }
}

if (want('recall')) {
  // The transform set through the real CLI: a bank from a plain hash list of the originals, then
  // `vigil match` and `vigil match --robust` on every transformed file.
  const dir = mkdtempSync(join(tmpdir(), 'vigil-robust-'));
  try {
    const set = await writeTransformSet(dir, Number(process.env.ORIGINALS ?? 20));
    const main = resolve('packages/cli/src/main.ts');
    const data = join(dir, 'data');
    mkdirSync(data);
    const cli = (...a: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', main, ...a, '--data', data, '--log-level', 'silent'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
    const imp = cli('bank', 'import', 'LIST', set.list, '--create', 'block', '--signal-type', 'pdq');
    if (imp.status !== 0) throw new Error(imp.stderr);
    const tally = (out: string) => {
      const per = new Map<string, { hit: number; n: number; views: Map<string, number> }>();
      for (const line of out.trim().split('\n')) {
        const r = JSON.parse(line) as {
          file: string;
          matches?: { external_id: string | null; view?: string; transform?: string }[];
        };
        const [name, idx] = r.file.split('/').slice(-2) as [string, string];
        const t = per.get(name) ?? { hit: 0, n: 0, views: new Map() };
        per.set(name, t);
        t.n++;
        const m = r.matches?.find((x) => x.external_id === idx.replace(/\.jpg$/, ''));
        if (m) {
          t.hit++;
          const how = m.view ?? (m.transform && m.transform !== 'identity' ? m.transform : 'image');
          t.views.set(how, (t.views.get(how) ?? 0) + 1);
        }
        // A match to any other original is a false match.
        if (r.matches?.some((x) => x.external_id !== idx.replace(/\.jpg$/, '')))
          console.log(`FALSE MATCH: ${r.file} → ${JSON.stringify(r.matches)}`);
      }
      return per;
    };
    const plain = tally(cli('match', join(dir, 'transformed')).stdout);
    const t0 = performance.now();
    const robust = tally(cli('match', '--robust', join(dir, 'transformed')).stdout);
    const sec = (performance.now() - t0) / 1000;
    console.log(
      `${set.originals} originals (quality ≥ 50, kinds cycling), ${set.transforms.length} transforms; bank from a plain PDQ list; threshold ${THRESHOLD}`,
    );
    console.log('| transform | family | plain `vigil match` | `vigil match --robust` | matched through |');
    console.log('|---|---|---|---|---|');
    for (const t of set.transforms) {
      const p = plain.get(t.name)!,
        r = robust.get(t.name)!;
      console.log(
        `| ${t.name} | ${t.family} | ${p.hit}/${p.n} | ${r.hit}/${r.n} | ${[...r.views].map(([k, v]) => `${k} ${v}`).join(', ')} |`,
      );
    }
    console.log(
      `robust match run: ${sec.toFixed(1)} s for ${set.transforms.length * set.originals} files (CLI start and bank load included)`,
    );

    // The other direction: the listed image is a crop of what the query shows. A bank of the crops'
    // hashes (external id `<original>:<crop>`), then the originals through `vigil match --robust`.
    const crops = set.transforms.filter((t) => t.family === 'crop');
    const rows = ['signal_type,signal,external_id'];
    for (let i = 0; i < set.originals; i++) {
      const png = readFileSync(join(dir, 'originals', `${i}.png`));
      for (const t of crops) rows.push(`pdq,${(await hashImageFile(await t.apply(png, i))).pdq},${i}:${t.name}`);
    }
    writeFileSync(join(dir, 'crops.csv'), rows.join('\n') + '\n');
    const data2 = join(dir, 'data2');
    mkdirSync(data2);
    const cli2 = (...a: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', main, ...a, '--data', data2, '--log-level', 'silent'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
    const imp2 = cli2('bank', 'import', 'CROPS', join(dir, 'crops.csv'), '--create', 'block', '--signal-type', 'pdq');
    if (imp2.status !== 0) throw new Error(imp2.stderr);
    const found = new Map<string, { plain: number; robust: number; views: Map<string, number> }>(
      crops.map((t) => [t.name, { plain: 0, robust: 0, views: new Map() }]),
    );
    for (const [mode, args] of [
      ['plain', []],
      ['robust', ['--robust']],
    ] as const) {
      for (const line of cli2('match', ...args, join(dir, 'originals'))
        .stdout.trim()
        .split('\n')) {
        const r = JSON.parse(line) as { file: string; matches?: { external_id: string | null; view?: string }[] };
        const i = r.file
          .split('/')
          .pop()!
          .replace(/\.png$/, '');
        for (const m of r.matches ?? []) {
          const [oi, name] = (m.external_id ?? '').split(':') as [string, string];
          if (oi !== i) console.log(`FALSE MATCH (listed crops): ${r.file} → ${m.external_id}`);
          else {
            const f = found.get(name)!;
            f[mode]++;
            if (mode === 'robust') f.views.set(m.view ?? 'image', (f.views.get(m.view ?? 'image') ?? 0) + 1);
          }
        }
      }
    }
    console.log('\nlisted: the crop; query: the original');
    console.log('| listed crop | plain `vigil match` | `vigil match --robust` | matched through |');
    console.log('|---|---|---|---|');
    for (const [name, f] of found)
      console.log(
        `| ${name} | ${f.plain}/${set.originals} | ${f.robust}/${set.originals} | ${[...f.views].map(([k, v]) => `${k} ${v}`).join(', ')} |`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (want('cost')) {
  // Per query image: plain decode + PDQ, + dihedrals, + robust views; 1024×768 photo-like JPEGs, one core.
  const N = 60;
  const jpgs: Buffer[] = [];
  for (let i = 0; i < N; i++)
    jpgs.push(
      await sharp(await generate('photo', 5000 + i, 1024, 768))
        .jpeg({ quality: 85 })
        .toBuffer(),
    );
  const hasher = new PdqHasher();
  // Wall time and CPU time of this process (user + system, libvips' thread included): on a shared,
  // loaded machine the CPU time is the steadier figure.
  const cpu: Record<string, number[]> = { plain: [], dihedral: [], default: [], robust: [] };
  const run = async (mode: 'plain' | 'dihedral' | 'default' | 'robust') => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const j of jpgs) {
      if (mode === 'plain') {
        const d = await decodeLuma(j);
        hasher.hash(d.luma, d.width, d.height);
      } else await hashImageFile(j, { dihedral: true, reoriented: mode === 'default', robust: mode === 'robust' });
    }
    const c = process.cpuUsage(c0);
    cpu[mode]!.push((c.user + c.system) / 1000 / N);
    return (performance.now() - t0) / N;
  };
  const modes = ['plain', 'dihedral', 'default', 'robust'] as const;
  for (const m of modes) await run(m); // warm-up
  for (const m of modes) cpu[m] = [];
  const res: Record<string, number[]> = { plain: [], dihedral: [], default: [], robust: [] };
  for (let k = 0; k < 3; k++) for (const m of modes) res[m]!.push(await run(m));
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${N} × 1024×768 photo-like JPEG q85, one core, median of 3`,
  );
  console.log(`plain decode + PDQ:                       ${med(res.plain!).toFixed(1)} ms/image`);
  console.log(`+ MD5/SHA-256 + 7 dihedrals (hashImageFile): ${med(res.dihedral!).toFixed(1)} ms/image`);
  console.log(
    `+ 7 reoriented views (default matching): ${med(res.default!).toFixed(1)} ms/image = ${(med(res.default!) / med(res.plain!)).toFixed(2)}× plain`,
  );
  console.log(
    `+ robust views (hashImageFile robust):    ${med(res.robust!).toFixed(1)} ms/image = ${(med(res.robust!) / med(res.plain!)).toFixed(2)}× plain (runs ${res.robust!.map((x) => x.toFixed(0)).join(', ')}; plain ${res.plain!.map((x) => x.toFixed(0)).join(', ')})`,
  );
  console.log(
    `CPU time per image (median of 3): ${modes.map((m) => `${m} ${med(cpu[m]!).toFixed(1)} ms`).join(', ')}; robust = ${(med(cpu.robust!) / med(cpu.plain!)).toFixed(2)}× plain, default = ${(med(cpu.default!) / med(cpu.plain!)).toFixed(2)}× plain`,
  );
}
