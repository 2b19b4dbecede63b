// Coded-term detection on one surface. A coded term counts only where its context rule holds (a trading
// word, or a second coded term, nearby), so "CP Rail fans" and "Taboo board game night" stay clean.
import { normalise, type Token } from './normalise.ts';
import type { Surface, Term, TermList } from './list.ts';

export interface Hit {
  term: string;
  category: string;
  weight: number;
  surface: Surface;
  span: { start: number; end: number };
  original: string;
  normalised: string;
  steps: string[];
  context: { term: string; span: { start: number; end: number }; original: string }[];
}

export interface Detection {
  flagged: boolean;
  score: number;
  hits: Hit[];
}

const LONG_SURFACES: ReadonlySet<Surface> = new Set(['bio', 'group_description']);
const squeeze = (s: string) => s.replace(/(\p{L})\1+/gu, '$1');

interface Form {
  parts: string[];
  term: Term;
}

interface Match {
  term: Term;
  from: number; // token index
  to: number; // exclusive
}

/** Pre-computed matching tables for one list (cache it per list version). */
export class Matcher {
  private forms: Form[] = [];
  private single = new Map<string, Term>();
  private singleSqueezed = new Map<string, Term>();
  private maxLen = 0;
  /** Squeezed letters of every coded form, for the quick ASCII pre-check. */
  readonly codedSkeletons: string[] = [];

  constructor(readonly list: TermList) {
    for (const term of list.terms) {
      for (const f of [term.term, ...term.variants]) {
        const parts = f.toLowerCase().split(/\s+/).filter(Boolean);
        this.forms.push({ parts, term });
        if (term.kind === 'coded') this.codedSkeletons.push(squeeze(parts.join('')));
        if (parts.length === 1) {
          this.single.set(parts[0]!, term);
          if (parts[0]!.length >= 4) this.singleSqueezed.set(squeeze(parts[0]!), term);
          this.maxLen = Math.max(this.maxLen, parts[0]!.length);
        }
      }
    }
  }

  /** A token equals a form part: exactly for short parts, ignoring repeated letters for long ones. */
  private partMatches(token: string, part: string): boolean {
    return token === part || (part.length >= 4 && squeeze(token) === squeeze(part));
  }

  private lookupWord(w: string): Term | undefined {
    return this.single.get(w) ?? this.singleSqueezed.get(squeeze(w));
  }

  /**
   * Splits a run-together token ("cplinks", "taboovids", "cp4trade", "cpvids2024") into 2–3 known words,
   * allowing one connecting character between words and a number at either end; or returns null.
   */
  private segment(raw: string): Term[] | null {
    const tok = raw.replace(/^\d+|\d+$/g, '');
    if (tok.length < 4 || tok.length > 3 * this.maxLen + 6) return null;
    const best: (Term[] | null)[] = new Array(tok.length + 1).fill(null);
    best[0] = [];
    for (let i = 0; i < tok.length; i++) {
      const prefix = best[i];
      if (!prefix || prefix.length >= 3) continue;
      for (let j = i + 2; j <= tok.length; j++) {
        const t = this.lookupWord(tok.slice(i, j));
        if (!t) continue;
        if (!best[j] || best[j]!.length > prefix.length + 1) best[j] = [...prefix, t];
        // One connecting character ("cp4trade" after leetspeak reads "cpatrade").
        if (j < tok.length && prefix.length === 0 && !best[j + 1]) best[j + 1] = [t];
      }
    }
    const r = best[tok.length];
    return r && r.length >= 2 && r.some((t) => t.kind === 'coded') ? r : null;
  }

  matches(tokens: Token[]): Match[] {
    const out: Match[] = [];
    for (let i = 0; i < tokens.length; i++) {
      let found = false;
      for (const f of this.forms) {
        if (i + f.parts.length > tokens.length) continue;
        if (f.parts.every((p, k) => this.partMatches(tokens[i + k]!.text, p))) {
          out.push({ term: f.term, from: i, to: i + f.parts.length });
          found = true;
        }
      }
      if (!found) for (const t of this.segment(tokens[i]!.text) ?? []) out.push({ term: t, from: i, to: i + 1 });
    }
    // The longest form wins where forms overlap on the same term ("no limits" over "no limit").
    return out.filter((m) => !out.some((o) => o !== m && o.term === m.term && o.from <= m.from && o.to >= m.to && o.to - o.from > m.to - m.from));
  }
}

const matchers = new WeakMap<TermList, Matcher>();
export function matcherFor(list: TermList): Matcher {
  let m = matchers.get(list);
  if (!m) matchers.set(list, (m = new Matcher(list)));
  return m;
}

const LEET_CODES: Record<number, string> = { 48: 'o', 49: 'i', 51: 'e', 52: 'a', 53: 's', 55: 't', 56: 'b', 64: 'a', 36: 's', 33: 'i', 124: 'l' };

/**
 * For plain ASCII text, a superset of what the pipeline can make of it: lower case, every leet symbol
 * mapped, everything else dropped, repeats squeezed. No coded skeleton inside means no coded term can
 * match, so most names skip the full pipeline. Returns null for non-ASCII text (full pipeline).
 */
function asciiSkeleton(text: string): string | null {
  let out = '';
  let last = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 126) return null;
    let ch = '';
    if (c >= 97 && c <= 122) ch = text[i]!;
    else if (c >= 65 && c <= 90) ch = String.fromCharCode(c + 32);
    else ch = LEET_CODES[c] ?? '';
    if (ch && ch !== last) out += ch;
    if (ch) last = ch;
  }
  return out;
}

const CLEAN: Detection = Object.freeze({ flagged: false, score: 0, hits: [] }) as Detection;

export function detect(text: string, surface: Surface, list: TermList): Detection {
  const matcher = matcherFor(list);
  const skeleton = asciiSkeleton(text);
  if (skeleton !== null && !matcher.codedSkeletons.some((k) => skeleton.includes(k))) return CLEAN;
  const n = normalise(text);
  const matches = matcher.matches(n.tokens);
  const coded = matches.filter((m) => m.term.kind === 'coded');
  if (!coded.length) return { flagged: false, score: 0, hits: [] };
  const window = LONG_SURFACES.has(surface) ? list.contextWindow : Infinity;
  const near = (a: Match, b: Match) => Math.abs(a.from - b.from) <= window;
  const hits: Hit[] = [];
  let score = 0;
  const words = new Set(n.tokens.map((t) => t.text));
  for (const c of coded) {
    if (c.term.unless.some((w) => words.has(w))) continue;
    const context = matches.filter((m) => m !== c && near(c, m) && (m.term.kind === 'trading' || (m.term.kind === 'coded' && m.term.term !== c.term.term)));
    if (!c.term.alone && !context.length) continue;
    const span = { start: n.tokens[c.from]!.start, end: n.tokens[c.to - 1]!.end };
    const steps = new Set(n.tokens.slice(c.from, c.to).flatMap((t) => t.steps));
    for (const r of n.removed) if (r.start >= span.start && r.end <= span.end) steps.add(r.step);
    hits.push({
      term: c.term.term, category: c.term.category, weight: c.term.weight, surface, span,
      original: text.slice(span.start, span.end),
      normalised: n.tokens.slice(c.from, c.to).map((t) => t.text).join(' '),
      steps: [...steps],
      context: context.map((m) => {
        const s = { start: n.tokens[m.from]!.start, end: n.tokens[m.to - 1]!.end };
        return { term: m.term.term, span: s, original: text.slice(s.start, s.end) };
      }),
    });
    score += c.term.weight + Math.max(0, ...context.map((m) => m.term.weight));
  }
  return { flagged: hits.length > 0, score, hits };
}
