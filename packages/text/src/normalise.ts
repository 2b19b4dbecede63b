// Runs the pipeline and returns the normalised tokens, each with its span in the original text.
import { ASCII_IDENTITY, PIPELINE, isWordChar } from './steps.ts';
import { toUnits, type Unit } from './units.ts';

export interface Token {
  text: string;
  start: number; // original offsets
  end: number;
  steps: string[];
  /** Original start and end offset of each UTF-16 position of `text`, so a word found inside a run-together
   * token ("BabyAbuse") can point at exactly the letters it came from. */
  starts: number[];
  ends: number[];
  /** The same token with leading or trailing digits that leetspeak turned into letters put back ("12yo" for
   * "ieyo", "boylover12" for "boyloverie"): the reader cannot know whether they were a number or letters. */
  alt?: string;
  /** Separated from the previous token by one in-word separator only ("t4b_00", "cp.links"), or by
   * emoji or separators after spelled-out letters: the two may be one word written apart. */
  tight: boolean;
}

export interface Normalised {
  text: string;
  tokens: Token[];
  removed: { step: string; start: number; end: number }[];
}

const TIGHT_GAP = /^[._\-*~]$/;
const wasDigit = (input: string, u: Unit) => u.end - u.start === 1 && input.charCodeAt(u.start) >= 48 && input.charCodeAt(u.start) <= 57;
const isLeetDigit = (input: string, u: Unit) => wasDigit(input, u) && u.steps.includes('leetspeak');
const ASCII = /^[\x00-\x7f]*$/;

export function normalise(input: string): Normalised {
  let units: Unit[] = toUnits(input);
  const removed: Normalised['removed'] = [];
  const ascii = ASCII.test(input);
  for (const [name, step] of PIPELINE) if (!ascii || !ASCII_IDENTITY.has(name)) units = step(units, removed);
  const tokens: Token[] = [];
  let cur: Unit[] = [];
  let gap: Unit[] = [];
  const flush = () => {
    if (!cur.length) return;
    let text = '';
    const starts: number[] = [];
    const ends: number[] = [];
    for (const u of cur) {
      text += u.ch;
      for (let k = 0; k < u.ch.length; k++) {
        starts.push(u.start);
        ends.push(u.end);
      }
    }
    // Leetspeak digits at either end restored, when there are any.
    let alt: string | undefined;
    let a = 0;
    let b = cur.length;
    while (a < b && wasDigit(input, cur[a]!)) a++;
    while (b > a && wasDigit(input, cur[b - 1]!)) b--;
    if (cur.slice(0, a).some((u) => isLeetDigit(input, u)) || cur.slice(b).some((u) => isLeetDigit(input, u))) {
      const chars = cur.map((u, k) => (k < a || k >= b ? input.slice(u.start, u.end) : u.ch));
      alt = chars.join('');
      if (alt.length !== text.length) alt = undefined;
    }
    const prev = tokens[tokens.length - 1];
    // In the original text: what lay between the previous token and this one.
    const between = prev ? input.slice(prev.end, cur[0]!.start) : '';
    const tight = !!prev && gap.length <= 1 && (between.length === 0 || TIGHT_GAP.test(between) || gap.every((g) => g.steps.includes('emoji')));
    const steps: string[] = [];
    for (const u of cur) for (const st of u.steps) if (!steps.includes(st)) steps.push(st);
    tokens.push({ text, start: cur[0]!.start, end: cur[cur.length - 1]!.end, steps, starts, ends, alt, tight });
    cur = [];
    gap = [];
  };
  for (const u of units) {
    if (isWordChar(u.ch)) cur.push(u);
    else {
      flush();
      gap.push(u);
    }
  }
  flush();
  return { text: units.map((u) => u.ch).join(''), tokens, removed };
}
