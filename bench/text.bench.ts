// Coded-term detection speed: names per second on one core, over a realistic mix (mostly clean, short
// names in several scripts; hard negatives such as game, parenting and protection groups; some obfuscated
// coded names). Run: npm run bench text
import { cpus, loadavg } from 'node:os';
import { detect, DEFAULT_TERM_LIST } from '../packages/text/src/index.ts';

type S = 'username' | 'display_name' | 'group_name' | 'bio';
const first = [
  'maria',
  'joao',
  'ahmed',
  'li',
  'aiko',
  'fatima',
  'hans',
  'siti',
  'priya',
  'olu',
  'chloe',
  'ivan',
  'noor',
  'tom',
  'sara',
];
// Display names in other scripts always take the full pipeline (no ASCII pre-check).
const nonLatin = [
  'Иван Петров',
  'Ольга',
  'أحمد علي',
  'فاطمة',
  'प्रिया शर्मा',
  'राहुल',
  'José Muñoz',
  'Zoë Müller',
  '李伟',
  'Ayşe',
];
const groups = [
  'Valencia Bakers',
  'Lyon Cyclists',
  'family group',
  'school parents 3B',
  'Road Map Club',
  'CP Rail fans',
  'Taboo board game night',
  'Book club',
  'Карта метро',
  'Troca de figurinhas',
  'Minecraft map trade',
  'baby clothes swap',
  'kids football pics',
  'Stop child abuse',
  'D&D battle map swap',
  'Pokemon GO trade 2500 CP',
  'intercambio ropa niños',
  'обмен детскими вещами',
  'تبادل كتب الأطفال',
  'बच्चों के कपड़े',
];
const bios = [
  'coffee, books and long walks',
  'dad of two, football fan',
  'links to my portfolio below',
  'mãe, professora',
  'учитель математики',
  'proud mum of a 9yo',
];
const coded = [
  'c.p trade 🔞 links',
  'n0l1m1ts_trade',
  'ⓒⓟ swap',
  't a b o o vids',
  'cplinks',
  'BabyAbuse',
  'young pics swap',
  'cccppp links',
  't4b_00 links',
  'обмен фото детей',
];
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
const names: { t: string; s: S }[] = [];
for (let i = 0; i < 100_000; i++) {
  const r = rand();
  if (r < 0.42) names.push({ t: `${pick(first)}_${Math.floor(rand() * 9999)}`, s: 'username' });
  else if (r < 0.62)
    names.push({ t: `${pick(first).replace(/^./, (c) => c.toUpperCase())} ${pick(first)}`, s: 'display_name' });
  else if (r < 0.7) names.push({ t: pick(nonLatin), s: 'display_name' });
  else if (r < 0.92) names.push({ t: pick(groups), s: 'group_name' });
  else if (r < 0.98) names.push({ t: pick(bios), s: 'bio' });
  else names.push({ t: pick(coded), s: 'group_name' });
}
for (let i = 0; i < 20_000; i++) detect(names[i]!.t, names[i]!.s, DEFAULT_TERM_LIST); // warm-up
const runs: number[] = [];
const cpuRuns: number[] = [];
for (let k = 0; k < 3; k++) {
  let flagged = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const n of names) if (detect(n.t, n.s, DEFAULT_TERM_LIST).flagged) flagged++;
  const c = process.cpuUsage(c0);
  runs.push(names.length / ((performance.now() - t0) / 1000));
  // CPU time of this process: on a machine shared with other work, wall time also counts waiting.
  cpuRuns.push(names.length / ((c.user + c.system) / 1e6));
  if (k === 0) console.log(`flagged ${flagged} of ${names.length}`);
}
runs.sort((a, b) => a - b);
cpuRuns.sort((a, b) => a - b);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  `text detection: ${Math.round(runs[1]!).toLocaleString('en')} names/s wall, ${Math.round(cpuRuns[1]!).toLocaleString('en')} names per CPU-second (median of 3 runs of ${names.length.toLocaleString('en')}, one core)`,
);
