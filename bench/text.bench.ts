// Coded-term detection speed: names per second on one core, over a realistic mix (mostly clean,
// short names; some obfuscated coded names). Run: npm run bench text
import { cpus } from 'node:os';
import { detect, DEFAULT_TERM_LIST } from '../packages/text/src/index.ts';

const first = ['maria', 'joao', 'ahmed', 'li', 'aiko', 'fatima', 'hans', 'siti', 'priya', 'olu', 'chloe', 'ivan', 'noor', 'tom', 'sara'];
const groups = ['Valencia Bakers', 'Lyon Cyclists', 'family group', 'school parents 3B', 'Road Map Club', 'CP Rail fans', 'Taboo board game night', 'Book club', 'Карта метро', 'Troca de figurinhas'];
const coded = ['c.p trade 🔞 links', 'n0l1m1ts_trade', 'ⓒⓟ swap', 't a b o o vids', 'cplinks'];
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const names: { t: string; s: 'username' | 'display_name' | 'group_name' }[] = [];
for (let i = 0; i < 100_000; i++) {
  const r = rand();
  if (r < 0.45) names.push({ t: `${first[Math.floor(rand() * first.length)]}_${Math.floor(rand() * 9999)}`, s: 'username' });
  else if (r < 0.75) names.push({ t: `${first[Math.floor(rand() * first.length)]!.replace(/^./, (c) => c.toUpperCase())} ${first[Math.floor(rand() * first.length)]}`, s: 'display_name' });
  else if (r < 0.98) names.push({ t: groups[Math.floor(rand() * groups.length)]!, s: 'group_name' });
  else names.push({ t: coded[Math.floor(rand() * coded.length)]!, s: 'group_name' });
}
for (let i = 0; i < 20_000; i++) detect(names[i]!.t, names[i]!.s, DEFAULT_TERM_LIST); // warm-up
const runs: number[] = [];
for (let k = 0; k < 3; k++) {
  let flagged = 0;
  const t0 = performance.now();
  for (const n of names) if (detect(n.t, n.s, DEFAULT_TERM_LIST).flagged) flagged++;
  const s = (performance.now() - t0) / 1000;
  runs.push(names.length / s);
  if (k === 0) console.log(`flagged ${flagged} of ${names.length}`);
}
runs.sort((a, b) => a - b);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}`);
console.log(`text detection: ${Math.round(runs[1]!).toLocaleString('en')} names/s (median of 3 runs of ${names.length.toLocaleString('en')}, one core)`);
