// The normalisation pipeline, one named step each, applied in this order. Each is exported and
// tested on its own.
import unhomoglyph from 'unhomoglyph';
import { mark, type Step, type Unit } from './units.ts';

// ASCII fast paths: these run for every character of every name.
const isLetter = (c: string) => {
  const k = c.charCodeAt(0);
  return k < 128 ? (k >= 97 && k <= 122) || (k >= 65 && k <= 90) : /\p{L}/u.test(c);
};
const isAsciiLetter = (c: string) => c >= 'a' && c <= 'z';
/** Letters, combining marks (Devanagari vowel signs, Arabic diacritics) and digits make words. */
export const isWordChar = (c: string) => {
  const k = c.charCodeAt(0);
  return k < 128 ? (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || (k >= 48 && k <= 57) : /[\p{L}\p{M}\p{N}]/u.test(c);
};
const isDigit = (c: string) => c.length === 1 && c >= '0' && c <= '9';

/** Unicode NFKC: full-width, circled, mathematical and other compatibility forms become plain letters. */
export const nfkc: Step = (units) =>
  units.flatMap((u) => {
    if (u.ch.charCodeAt(0) < 128) return [u];
    const n = u.ch.normalize('NFKC');
    return n === u.ch ? [u] : [...n].map((c) => mark(u, 'nfkc', c));
  });

// Zero-width and format characters, bidi controls, variation selectors, tag characters, soft hyphen.
export const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class -- a list of single code points (the input is one), not a sequence
  /^[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}]$/u;

export const invisible: Step = (units, removed) =>
  units.filter((u) => {
    if (u.ch.charCodeAt(0) < 128 || !INVISIBLE.test(u.ch)) return true;
    removed.push({ step: 'invisible', start: u.start, end: u.end });
    return false;
  });

/** Latin letters with diacritics lose them ("vídeos" → "videos", "échange" → "echange"); other scripts' marks stay. */
export const accents: Step = (units) =>
  units.map((u) => {
    if (u.ch.charCodeAt(0) < 128 || !/\p{Script=Latin}/u.test(u.ch)) return u;
    const base = u.ch.normalize('NFD').replace(/\p{M}+/gu, '');
    return base !== u.ch && /^[A-Za-z]+$/.test(base) ? mark(u, 'accents', base) : u;
  });

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
// Small capitals, a common "font" in names (ᴄᴘ ʟɪɴᴋꜱ); the confusables data has no ASCII prototype for most.
const SMALL_CAPS: Record<string, string> = {
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ꜰ: 'f',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ǫ: 'q',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
};

/** The Latin look-alike of one letter, or null. */
export const foldOne = (ch: string): string | null => {
  if (SMALL_CAPS[ch]) return SMALL_CAPS[ch]!;
  let f = unhomoglyph(ch);
  // Some lower-case letters' prototypes are small capitals (Cyrillic т → ᴛ); their capitals fold to ASCII.
  if (!PRINTABLE_ASCII.test(f)) f = unhomoglyph(ch.toUpperCase()).toLowerCase();
  return f !== ch && PRINTABLE_ASCII.test(f) ? f : null;
};
const foldCache = new Map<string, string | null>();

/**
 * Homoglyphs (Cyrillic, Greek, and others) fold to their Latin look-alikes using the Unicode
 * confusables data (the unhomoglyph package). Only non-ASCII letters are folded: the table's own
 * ASCII entries (m → rn, I → l) would damage ordinary text. A word is folded only when every one of its
 * non-ASCII letters has a Latin look-alike ("ср", "реdо"): a Russian or Arabic word with letters that have
 * none ("детское", "фото") stays in its own script, so term lists can hold words in those languages.
 */
export const confusables: Step = (units) => {
  const out: Unit[] = [];
  let i = 0;
  while (i < units.length) {
    if (!isWordChar(units[i]!.ch)) {
      out.push(units[i++]!);
      continue;
    }
    let j = i;
    while (j < units.length && isWordChar(units[j]!.ch)) j++;
    const word = units.slice(i, j);
    const folds = word.map((u) => {
      if (u.ch.charCodeAt(0) < 128 || !isLetter(u.ch)) return undefined;
      if (!foldCache.has(u.ch)) foldCache.set(u.ch, foldOne(u.ch));
      return foldCache.get(u.ch);
    });
    const foldable = folds.every((f) => f !== null);
    word.forEach((u, k) => {
      const f = folds[k];
      if (foldable && f) out.push(...[...f.toLowerCase()].map((c) => mark(u, 'confusables', c)));
      else out.push(u);
    });
    i = j;
  }
  return out;
};

export const lowercase: Step = (units) =>
  units.map((u) => (u.ch.toLowerCase() === u.ch ? u : mark(u, 'case', u.ch.toLowerCase())));

// eslint-disable-next-line no-misleading-character-class -- one code point at a time: the keycap mark alone is an emoji part
const EMOJI = /^[\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}\u20E3]$/u;

/** Emoji used as separators ("c🍕p", "cp🔥trade") become spaces. */
export const emoji: Step = (units) =>
  units.map((u) => (u.ch.charCodeAt(0) >= 128 && EMOJI.test(u.ch) ? mark(u, 'emoji', ' ') : u));

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

// Separators people put inside one word ("t4b_00", "n.0.l.1.m.1.t.s"); a space is not one.
const IN_WORD_SEP = /^[._\-*~]$/;

/**
 * Leetspeak inside words ("n0l1m1ts", "t@boo"); digits standing alone ("24/7", "2024") stay digits. A
 * word may be split by single in-word separators ("t4b_00", "p.3.d.0"): the pieces count as one run, so
 * "00" after "t4b_" is read as letters, while "maria_12" keeps its number (no piece of it is leetspeak).
 */
function isRunChar(c: string): boolean {
  return isAsciiLetter(c) || LEET[c] !== undefined;
}
/** The letters and leet symbols on one side of an in-word separator at `from`, or null. */
function neighbour(out: Unit[], from: number, dir: -1 | 1): Unit[] | null {
  const sep = out[from];
  if (!sep || !IN_WORD_SEP.test(sep.ch)) return null;
  let a = from + dir;
  const n: Unit[] = [];
  while (a >= 0 && a < out.length && isRunChar(out[a]!.ch)) {
    n.push(out[a]!);
    a += dir;
  }
  return n.length ? n : null;
}
/** Letters mixed with leetspeak, or one spelled letter. */
function leety(n: Unit[] | null): boolean {
  if (!n || !n.some((u) => isAsciiLetter(u.ch))) return false;
  return n.length === 1 || n.some((u) => LEET[u.ch] !== undefined || u.steps.includes('leetspeak'));
}

export const leetspeak: Step = (units) => {
  const out = units.slice();
  for (let i = 0; i < out.length; i++) {
    const r = LEET[out[i]!.ch];
    if (!r) continue;
    // The piece: letters and leet symbols around it.
    let j = i,
      k = i;
    while (j > 0 && isRunChar(out[j - 1]!.ch)) j--;
    while (k < out.length - 1 && isRunChar(out[k + 1]!.ch)) k++;
    const piece = out.slice(j, k + 1);
    // Three or more digits in a row ("2024", "cpvids2024") are a number, not leetspeak ("tab00").
    if (isDigit(out[i]!.ch)) {
      let a = i,
        b = i;
      while (a > 0 && isDigit(out[a - 1]!.ch)) a--;
      while (b < out.length - 1 && isDigit(out[b + 1]!.ch)) b++;
      if (b - a + 1 >= 3) continue;
    }
    if (piece.length >= 2 && piece.some((u) => isAsciiLetter(u.ch))) {
      out[i] = mark(out[i]!, 'leetspeak', r);
      continue;
    }
    // A piece without letters ("00", "0") joined by one in-word separator to a neighbouring piece that
    // mixes letters with leetspeak ("t4b_00") or is a single spelled letter ("p.3.d.0").
    if (leety(neighbour(out, j - 1, -1)) || leety(neighbour(out, k + 1, 1))) out[i] = mark(out[i]!, 'leetspeak', r);
  }
  return out;
};

/**
 * Letters spaced out with separators ("c.p", "t a b o o", "c-p") are joined; other separators become
 * single spaces. Only runs of at least two single letters are joined, so ordinary words keep their spaces.
 */
type Tok = { units: Unit[]; gapAfter: Unit[] };
function gapText(t: Tok): string {
  let s = '';
  for (const u of t.gapAfter) s += u.ch;
  return s;
}

export const separators: Step = (units, removed) => {
  // Tokens of word characters, with the separator units between them.
  const toks: Tok[] = [];
  let cur: Unit[] = [];
  const lead: Unit[] = [];
  for (const u of units) {
    if (!isWordChar(u.ch)) {
      if (cur.length) {
        toks.push({ units: cur, gapAfter: [] });
        cur = [];
      }
      (toks.length ? toks[toks.length - 1]!.gapAfter : lead).push(u);
    } else cur.push(u);
  }
  if (cur.length) toks.push({ units: cur, gapAfter: [] });
  // Spelled-out letters are joined; within a chain of single letters, a gap unlike the chain's usual
  // one ends the word ("just a j_a_i_l" keeps "a" apart).
  const join: boolean[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const next = toks[i + 1];
    join.push(
      !!next &&
        t.units.length === 1 &&
        next.units.length === 1 &&
        t.gapAfter.length <= 2 &&
        !t.gapAfter.some((u) => u.ch === '\n'),
    );
  }
  for (let i = 0; i < toks.length;) {
    if (!join[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < toks.length && join[j]) j++;
    const counts = new Map<string, number>();
    for (let k = i; k < j; k++) counts.set(gapText(toks[k]!), (counts.get(gapText(toks[k]!)) ?? 0) + 1);
    const usual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    if (counts.size > 1) for (let k = i; k < j; k++) if (gapText(toks[k]!) !== usual) join[k] = false;
    i = j;
  }
  const out: Unit[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    out.push(...t.units);
    if (i === toks.length - 1) break;
    if (join[i]) {
      for (const g of t.gapAfter) removed.push({ step: 'separators', start: g.start, end: g.end });
      continue; // join: no space between spelled-out letters
    }
    const g = t.gapAfter[0]!;
    out.push(g.ch === ' ' && t.gapAfter.length === 1 ? g : mark(g, 'separators', ' '));
  }
  return out;
};

/** Three or more of the same letter become two ("tabooooo" → "taboo"); matching tolerates the rest. */
export const repeats: Step = (units, removed) => {
  const out: Unit[] = [];
  for (const u of units) {
    const n = out.length;
    if (n >= 2 && isLetter(u.ch) && out[n - 1]!.ch === u.ch && out[n - 2]!.ch === u.ch) {
      removed.push({ step: 'repeats', start: u.start, end: u.end });
      out[n - 1] = { ...mark(out[n - 1]!, 'repeats', u.ch), end: u.end }; // the span covers the whole run
      continue;
    }
    out.push(u);
  }
  return out;
};

/** Steps that never change plain ASCII text: skipped for it. */
export const ASCII_IDENTITY: ReadonlySet<string> = new Set(['nfkc', 'invisible', 'accents', 'emoji', 'confusables']);

/** The pipeline, in order. */
export const PIPELINE: [string, Step][] = [
  ['nfkc', nfkc],
  ['invisible', invisible],
  ['accents', accents],
  ['case', lowercase],
  ['emoji', emoji],
  ['leetspeak', leetspeak],
  ['separators', separators],
  // After separators, so a word spelled out letter by letter is folded as one word ("ق🍕ا🍕ص").
  ['confusables', confusables],
  ['repeats', repeats],
];
