// A cheap, character-by-character reading of a text that contains everything the pipeline could make of
// it: NFKC and lower case on the whole string, accents dropped from Latin letters, every letter with a
// Latin look-alike folded (the pipeline folds only whole words), every leet symbol read as a letter,
// everything else dropped, repeated letters squeezed. If a term's skeleton is not inside a text's skeleton,
// the pipeline cannot find the term there, so most names skip the pipeline.
import { INVISIBLE, foldOne } from './steps.ts';

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '€': 'e',
  '£': 'l',
};

// Per non-ASCII character: its letters for the skeleton, folded and not ('' when not part of words).
const cache = new Map<string, [string, string]>();
function piece(c: string): [string, string] {
  let r = cache.get(c);
  if (r !== undefined) return r;
  r = ['', ''];
  if (LEET[c]) r = [LEET[c]!, ''];
  else if (!INVISIBLE.test(c) && /[\p{L}\p{M}]/u.test(c)) {
    let x = c;
    if (/\p{Script=Latin}/u.test(x)) x = x.normalize('NFD').replace(/\p{M}+/gu, '') || x;
    const plain = x.toLowerCase();
    if (/\p{L}/u.test(x) && x.charCodeAt(0) >= 128) x = foldOne(x) ?? x;
    // What ASCII text would give for the folded letters ("б" folds to "6", which is no letter).
    let folded = '';
    for (const y of x.toLowerCase()) folded += y.charCodeAt(0) >= 128 || (y >= 'a' && y <= 'z') ? y : (LEET[y] ?? '');
    r = [folded, plain];
  }
  if (cache.size < 10_000) cache.set(c, r);
  return r;
}

export interface Skeleton {
  /** Letters with leet symbols read as letters, repeats squeezed. */
  letters: string;
  /** Letters and digits as written (no leet reading, no squeezing), for pattern terms such as ages. */
  squashed: string;
}

export function skeleton(text: string): Skeleton {
  let t = text;
  for (let i = 0; i < t.length; i++) {
    if (t.charCodeAt(i) >= 128) {
      t = t.normalize('NFKC');
      break;
    }
  }
  t = t.toLowerCase();
  let letters = '';
  let squashed = '';
  let last = '';
  for (const c of t) {
    const k = c.charCodeAt(0);
    let p: string;
    if (k < 128) {
      if (k >= 97 && k <= 122) {
        p = c;
        squashed += c;
      } else if (k >= 48 && k <= 57) {
        squashed += c;
        p = LEET[c] ?? '';
      } else p = LEET[c] ?? '';
    } else {
      const [folded, plain] = piece(c);
      p = folded;
      squashed += plain;
    }
    if (!p) continue;
    // Squeeze: a piece equal to the last one adds nothing.
    if (p !== last) letters += p;
    last = p;
  }
  return { letters, squashed };
}
