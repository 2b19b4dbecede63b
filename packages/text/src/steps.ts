// The normalisation pipeline, one named step each, applied in this order. Each is exported and
// tested on its own.
import unhomoglyph from 'unhomoglyph';
import { mark, type Step, type Unit } from './units.ts';

const isLetter = (c: string) => /\p{L}/u.test(c);
const isAsciiLetter = (c: string) => c >= 'a' && c <= 'z';

/** Unicode NFKC: full-width, circled, mathematical and other compatibility forms become plain letters. */
export const nfkc: Step = (units) =>
  units.flatMap((u) => {
    const n = u.ch.normalize('NFKC');
    return n === u.ch ? [u] : [...n].map((c) => mark(u, 'nfkc', c));
  });

// Zero-width and format characters, bidi controls, variation selectors, tag characters, soft hyphen.
const INVISIBLE = /^[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}]$/u;

export const invisible: Step = (units, removed) =>
  units.filter((u) => {
    if (!INVISIBLE.test(u.ch)) return true;
    removed.push({ step: 'invisible', start: u.start, end: u.end });
    return false;
  });

/**
 * Homoglyphs (Cyrillic, Greek, and others) fold to their Latin look-alikes using the Unicode
 * confusables data (the unhomoglyph package). Only non-ASCII letters are folded: the table's own
 * ASCII entries (m → rn, I → l) would damage ordinary text.
 */
export const confusables: Step = (units) =>
  units.flatMap((u) => {
    if (u.ch.charCodeAt(0) < 128 || !isLetter(u.ch)) return [u];
    const ascii = (x: string) => /^[\x20-\x7e]+$/.test(x);
    let f = unhomoglyph(u.ch);
    // Some lower-case letters' prototypes are small capitals (Cyrillic т → ᴛ); their capitals fold to ASCII.
    if (!ascii(f)) f = unhomoglyph(u.ch.toUpperCase()).toLowerCase();
    if (f === u.ch || !ascii(f)) return [u];
    return [...f].map((c) => mark(u, 'confusables', c));
  });

export const lowercase: Step = (units) => units.map((u) => (u.ch.toLowerCase() === u.ch ? u : mark(u, 'case', u.ch.toLowerCase())));

const EMOJI = /^[\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}\u20E3]$/u;

/** Emoji used as separators ("c🍕p", "cp🔥trade") become spaces. */
export const emoji: Step = (units) => units.map((u) => (EMOJI.test(u.ch) ? mark(u, 'emoji', ' ') : u));

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's', '!': 'i', '|': 'l', '€': 'e', '£': 'l' };

/** Leetspeak inside words ("n0l1m1ts", "t@boo"); digits standing alone ("24/7", "2024") stay digits. */
export const leetspeak: Step = (units) => {
  const out = units.slice();
  for (let i = 0; i < out.length; i++) {
    const r = LEET[out[i]!.ch];
    if (!r) continue;
    // A word character next to it on either side, and at least one real letter in the same run.
    let j = i, k = i;
    while (j > 0 && (isAsciiLetter(out[j - 1]!.ch) || LEET[out[j - 1]!.ch])) j--;
    while (k < out.length - 1 && (isAsciiLetter(out[k + 1]!.ch) || LEET[out[k + 1]!.ch])) k++;
    const run = out.slice(j, k + 1);
    // Three or more digits in a row ("2024", "cpvids2024") are a number, not leetspeak ("tab00").
    if (/\d/.test(out[i]!.ch)) {
      let a = i, b = i;
      while (a > 0 && /\d/.test(out[a - 1]!.ch)) a--;
      while (b < out.length - 1 && /\d/.test(out[b + 1]!.ch)) b++;
      if (b - a + 1 >= 3) continue;
    }
    if (run.length >= 2 && run.some((u) => isAsciiLetter(u.ch))) out[i] = mark(out[i]!, 'leetspeak', r);
  }
  return out;
};

const SEP = /^[\s.\-_*·•|/\\,+~=:;'"`^]$/u;

/**
 * Letters spaced out with separators ("c.p", "t a b o o", "c-p") are joined; other separators become
 * single spaces. Only runs of at least two single letters are joined, so ordinary words keep their spaces.
 */
export const separators: Step = (units, removed) => {
  // Tokens of word characters, with the separator units between them.
  type Tok = { units: Unit[]; gapAfter: Unit[] };
  const toks: Tok[] = [];
  let cur: Unit[] = [];
  let gap: Unit[] = [];
  const lead: Unit[] = [];
  for (const u of units) {
    if (SEP.test(u.ch) || !/[\p{L}\p{N}]/u.test(u.ch)) {
      if (cur.length) {
        toks.push({ units: cur, gapAfter: [] });
        cur = [];
      }
      (toks.length ? toks[toks.length - 1]!.gapAfter : lead).push(u);
    } else cur.push(u);
  }
  if (cur.length) toks.push({ units: cur, gapAfter: [] });
  void gap;
  const out: Unit[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    out.push(...t.units);
    if (i === toks.length - 1) break;
    const next = toks[i + 1]!;
    const shortGap = t.gapAfter.length <= 2 && !t.gapAfter.some((u) => u.ch === '\n');
    const spelled = t.units.length === 1 && next.units.length === 1 && shortGap;
    if (spelled) {
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

/** The pipeline, in order. */
export const PIPELINE: [string, Step][] = [
  ['nfkc', nfkc],
  ['invisible', invisible],
  ['confusables', confusables],
  ['case', lowercase],
  ['emoji', emoji],
  ['leetspeak', leetspeak],
  ['separators', separators],
  ['repeats', repeats],
];
