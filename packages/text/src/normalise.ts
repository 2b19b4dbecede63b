// Runs the pipeline and returns the normalised tokens, each with its span in the original text.
import { PIPELINE } from './steps.ts';
import { toUnits, type Unit } from './units.ts';

export interface Token {
  text: string;
  start: number; // original offsets
  end: number;
  steps: string[];
}

export interface Normalised {
  text: string;
  tokens: Token[];
  removed: { step: string; start: number; end: number }[];
}

export function normalise(input: string): Normalised {
  let units: Unit[] = toUnits(input);
  const removed: Normalised['removed'] = [];
  for (const [, step] of PIPELINE) units = step(units, removed);
  const tokens: Token[] = [];
  let cur: Unit[] = [];
  const flush = () => {
    if (!cur.length) return;
    tokens.push({ text: cur.map((u) => u.ch).join(''), start: cur[0]!.start, end: cur[cur.length - 1]!.end, steps: [...new Set(cur.flatMap((u) => u.steps))] });
    cur = [];
  };
  for (const u of units) {
    if (/[\p{L}\p{N}]/u.test(u.ch)) cur.push(u);
    else flush();
  }
  flush();
  return { text: units.map((u) => u.ch).join(''), tokens, removed };
}
