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
const wasDigit = (input: string, u: Unit) =>
  u.end - u.start === 1 && input.charCodeAt(u.start) >= 48 && input.charCodeAt(u.start) <= 57;
const isLeetDigit = (input: string, u: Unit) => wasDigit(input, u) && u.steps.includes('leetspeak');
// eslint-disable-next-line no-control-regex -- the whole ASCII range, NUL included, on purpose
const ASCII = /^[\x00-\x7f]*$/;

// Module-level functions, not closures: the test and bench runner (tsx) names every closure it creates,
// which costs more than the work in these hot paths.
function makeToken(input: string, cur: Unit[], gap: Unit[], prev: Token | undefined): Token {
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
  let leet = false;
  for (let k = 0; k < cur.length; k++) if ((k < a || k >= b) && isLeetDigit(input, cur[k]!)) leet = true;
  if (leet) {
    let chars = '';
    for (let k = 0; k < cur.length; k++)
      chars += k < a || k >= b ? input.slice(cur[k]!.start, cur[k]!.end) : cur[k]!.ch;
    if (chars.length === text.length) alt = chars;
  }
  // In the original text: what lay between the previous token and this one.
  const between = prev ? input.slice(prev.end, cur[0]!.start) : '';
  let emojiGap = gap.length > 0;
  for (const g of gap) if (!g.steps.includes('emoji')) emojiGap = false;
  const tight = !!prev && gap.length <= 1 && (between.length === 0 || TIGHT_GAP.test(between) || emojiGap);
  const steps: string[] = [];
  for (const u of cur) for (const st of u.steps) if (!steps.includes(st)) steps.push(st);
  return { text, start: cur[0]!.start, end: cur[cur.length - 1]!.end, steps, starts, ends, alt, tight };
}

// Plain words of ASCII letters and digits with single spaces: no step but lower case can change them,
// unless letters repeat three times, digits touch letters (leetspeak) or single characters stand next to
// each other (spelled out).
const SIMPLE = /^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$/;
const NOT_SIMPLE = /(.)\1\1|[A-Za-z][0-9]|[0-9][A-Za-z]|(?:^| )[A-Za-z0-9] [A-Za-z0-9](?: |$)/;

function simple(input: string): Normalised {
  const tokens: Token[] = [];
  let start = 0;
  for (const word of input.split(' ')) {
    const text = word.toLowerCase();
    const starts: number[] = [];
    const ends: number[] = [];
    for (let k = 0; k < word.length; k++) {
      starts.push(start + k);
      ends.push(start + k + 1);
    }
    tokens.push({
      text,
      start,
      end: start + word.length,
      steps: text === word ? [] : ['case'],
      starts,
      ends,
      alt: undefined,
      tight: false,
    });
    start += word.length + 1;
  }
  return { text: input.toLowerCase(), tokens, removed: [] };
}

export function normalise(input: string): Normalised {
  if (SIMPLE.test(input) && !NOT_SIMPLE.test(input)) return simple(input);
  return pipeline(input);
}

/** The full pipeline (exported for tests: `normalise` takes a shortcut for plain words). */
export function pipeline(input: string): Normalised {
  let units: Unit[] = toUnits(input);
  const removed: Normalised['removed'] = [];
  const ascii = ASCII.test(input);
  for (const [name, step] of PIPELINE) if (!ascii || !ASCII_IDENTITY.has(name)) units = step(units, removed);
  const tokens: Token[] = [];
  let cur: Unit[] = [];
  let gap: Unit[] = [];
  for (const u of units) {
    if (isWordChar(u.ch)) cur.push(u);
    else {
      if (cur.length) {
        tokens.push(makeToken(input, cur, gap, tokens[tokens.length - 1]));
        cur = [];
        gap = [];
      }
      gap.push(u);
    }
  }
  if (cur.length) tokens.push(makeToken(input, cur, gap, tokens[tokens.length - 1]));
  return { text: units.map((u) => u.ch).join(''), tokens, removed };
}
