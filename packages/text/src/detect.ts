// Detection on one surface. Words of different kinds (coded terms, minor indicators, abuse words, media,
// exchange) combine as the list's combinations declare; domain context (gaming, maps, education, medicine,
// parenting, protection work) lowers a combination's score, so "Minecraft map trade" stays clean while
// "baby abuse vids trade" in a game server's name does not.
import { normalise, type Token } from './normalise.ts';
import { LEGACY_COMBINATIONS, type Combination, type Kind, type Surface, type Term, type TermList } from './list.ts';

export interface Place {
  term: string;
  kind: Kind;
  category: string;
  span: { start: number; end: number };
  original: string;
  normalised: string;
  steps: string[];
}

export interface Hit {
  /** The anchoring term (the combination's first kind). */
  term: string;
  kind: Kind;
  category: string;
  /** The combination's weight (lists without combinations: the term's weight plus its heaviest companion's). */
  weight: number;
  /** The weight less the domain context nearby; the hit flags when this reaches the list's threshold. */
  score: number;
  severity: 'low' | 'medium' | 'high';
  combination: string;
  surface: Surface;
  span: { start: number; end: number };
  original: string;
  normalised: string;
  steps: string[];
  /** The other words that made the combination, with where they are and how they were normalised. */
  context: Place[];
  /** Domain words that lowered the score. */
  domain: (Place & { weight: number })[];
  explanation: string;
}

export interface Detection {
  flagged: boolean;
  score: number;
  hits: Hit[];
  /** Combinations that matched but were lowered below the threshold by domain context, with why. */
  cleared: Hit[];
}

const LONG_SURFACES: ReadonlySet<Surface> = new Set(['bio', 'group_description']);
const squeeze = (s: string) => (hasDouble(s) ? s.replace(/(\p{L})\1+/gu, '$1') : s);
function hasDouble(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) === s.charCodeAt(i - 1)) return true;
  return false;
}
/** Every letter doubled or more ("ccpp", "cccppp" after the repeats step): an obviously stretched word. */
const uniformlyRepeated = (s: string) => s.length >= 4 && /^(?:(\p{L})\1+)+$/u.test(s);
const kindOf = (k: Kind): Kind => (k === 'trading' ? 'exchange' : k);

interface Form {
  parts: string[];
  term: Term;
  kinds: Kind[];
}

interface Occ {
  term: Term;
  kinds: Kind[];
  from: number; // token indexes
  to: number; // exclusive
  span: { start: number; end: number };
  normalised: string;
  steps: string[];
}

type Combo = Omit<Combination, 'weight'> & { weight?: number };

const KIND_BIT: Record<Kind, number> = { coded: 1, phrase: 2, minor: 4, abuse: 8, media: 16, exchange: 32, trading: 32, domain: 64 };
const maskOf = (kinds: Kind[]) => kinds.reduce((m, k) => m | KIND_BIT[k], 0);

const LEET_CODES: Record<number, string> = { 48: 'o', 49: 'i', 51: 'e', 52: 'a', 53: 's', 55: 't', 56: 'b', 64: 'a', 36: 's', 33: 'i', 124: 'l' };

/**
 * For plain ASCII text, a superset of what the pipeline can make of it: lower case, every leet symbol
 * mapped, everything else dropped, repeats squeezed. Returns null for non-ASCII text (full pipeline).
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

/** Pre-computed matching tables for one list (cache it per list version). */
export class Matcher {
  private byFirst = new Map<string, Form[]>();
  private byFirstSqueezed = new Map<string, Form[]>();
  private shortSqueezed = new Map<string, Form[]>();
  /** Whole words for splitting run-together tokens: one-word forms and multi-word forms written together. */
  private words = new Map<string, Form>();
  private wordsSqueezed = new Map<string, Form>();
  private patterns: { re: RegExp; prefix: RegExp; form: Form }[] = [];
  private maxLen = 0;
  private fillers: string[];
  readonly combinations: Combo[];
  /** Quick ASCII pre-check: skeletons bucketed by their first two letters. */
  private buckets = new Map<number, { skel: string; mask: number; alone: number; term: Term }[]>();
  private singles: { skel: string; mask: number; alone: number; term: Term }[] = [];
  /** Pattern terms, searched in the lower-cased letters and digits of ASCII text. */
  private patternChecks: { re: RegExp; mask: number; alone: number }[] = [];
  private patternMask = 0;
  private patternAlone = 0;
  private comboMasks: { mask: number; twice: number; single: boolean; surfaces?: Surface[] }[];
  private alwaysMask = 0;
  private alwaysAlone = 0;

  constructor(readonly list: TermList) {
    this.combinations = list.combinations ?? LEGACY_COMBINATIONS;
    this.comboMasks = this.combinations.map((c) => {
      const kinds = c.kinds.map(kindOf);
      const twice = kinds.filter((k, i) => kinds.indexOf(k) !== i);
      return { mask: maskOf(kinds), twice: maskOf(twice), single: kinds.length === 1, surfaces: c.surfaces };
    });
    this.fillers = (list.fillers ?? []).map((f) => normalise(f).tokens.map((t) => t.text).join('')).filter(Boolean);
    for (const term of list.terms) {
      const kinds = [...new Set([term.kind, ...term.also].map(kindOf))];
      if (term.pattern) {
        const form: Form = { parts: [term.term], term, kinds };
        this.patterns.push({ re: new RegExp(`^(?:${term.pattern})$`, 'u'), prefix: new RegExp(`^(?:${term.pattern})`, 'u'), form });
        this.patternChecks.push({ re: new RegExp(term.pattern, 'u'), mask: maskOf(kinds), alone: term.alone ? maskOf(kinds) : 0 });
        this.patternMask |= maskOf(kinds);
        if (term.alone) this.patternAlone |= maskOf(kinds);
        continue;
      }
      for (const f of [term.term, ...term.variants]) {
        // Forms go through the same pipeline as the text, so "y/o", "r@ygold" or Cyrillic forms match
        // what the pipeline makes of the text.
        const parts = normalise(f).tokens.map((t) => t.text);
        if (!parts.length) continue;
        const form: Form = { parts, term, kinds };
        const first = parts[0]!;
        const push = (m: Map<string, Form[]>, k: string) => m.set(k, [...(m.get(k) ?? []), form]);
        push(this.byFirst, first);
        if (first.length >= 4) push(this.byFirstSqueezed, squeeze(first));
        else push(this.shortSqueezed, first);
        const joined = parts.join('');
        if (!this.words.has(joined) || parts.length === 1) this.words.set(joined, form);
        if (joined.length >= 4 && !this.wordsSqueezed.has(squeeze(joined))) this.wordsSqueezed.set(squeeze(joined), form);
        this.maxLen = Math.max(this.maxLen, joined.length);
        if (kinds.includes('domain')) continue;
        const skel = asciiSkeleton(joined);
        if (skel === null) continue; // never in ASCII text
        if (!skel.length) {
          this.alwaysMask |= maskOf(kinds);
          if (term.alone) this.alwaysAlone |= maskOf(kinds);
          continue;
        }
        if (skel.length === 1) {
          // "xxx" squeezes to one letter.
          this.singles.push({ skel, mask: maskOf(kinds), alone: term.alone ? maskOf(kinds) : 0, term });
          continue;
        }
        const key = skel.charCodeAt(0) * 128 + skel.charCodeAt(1);
        const b = this.buckets.get(key) ?? [];
        b.push({ skel, mask: maskOf(kinds), alone: term.alone ? maskOf(kinds) : 0, term });
        this.buckets.set(key, b);
      }
    }
  }

  private unless = new Map<Term, string[][]>();
  /** A term's benign companions, normalised like the text. */
  unlessOf(t: Term): string[][] {
    let u = this.unless.get(t);
    if (!u) this.unless.set(t, (u = t.unless.map((w) => normalise(w).tokens.map((x) => x.text)).filter((w) => w.length)));
    return u;
  }

  /** False when no combination can possibly match this plain-ASCII text (most names). */
  mayMatch(text: string, skeleton: string, surface: Surface): boolean {
    let mask = this.alwaysMask;
    let alone = this.alwaysAlone;
    // Kinds found from two different terms, for combinations that name a kind twice.
    let twice = 0;
    const firstTerm: (Term | undefined)[] = [];
    const found = (e: { mask: number; alone: number; term: Term }) => {
      for (let b = 0; b < 8; b++) {
        if (!(e.mask & (1 << b))) continue;
        if (!firstTerm[b]) firstTerm[b] = e.term;
        else if (firstTerm[b] !== e.term) twice |= 1 << b;
      }
      mask |= e.mask;
      alone |= e.alone;
    };
    for (const e of this.singles) if (skeleton.includes(e.skel)) found(e);
    for (let i = 0; i + 1 < skeleton.length; i++) {
      const b = this.buckets.get(skeleton.charCodeAt(i) * 128 + skeleton.charCodeAt(i + 1));
      if (!b) continue;
      for (const e of b) if (skeleton.startsWith(e.skel, i)) found(e);
    }
    if (this.satisfiable(mask, alone, twice, surface)) return true;
    if (!this.patternMask) return false;
    if (!this.satisfiable(mask | this.patternMask, alone | this.patternAlone, twice, surface)) return false;
    // Only a pattern term (an age) could complete a combination: look for it.
    const squashed = text.toLowerCase().replace(/[^a-z0-9]+/g, '');
    for (const p of this.patternChecks) {
      if (p.re.test(squashed)) {
        mask |= p.mask;
        alone |= p.alone;
      }
    }
    return this.satisfiable(mask, alone, twice, surface);
  }

  private satisfiable(mask: number, alone: number, twice: number, surface: Surface): boolean {
    for (const c of this.comboMasks) {
      if (c.surfaces && !c.surfaces.includes(surface)) continue;
      if (c.single ? (alone & c.mask) === c.mask : (mask & c.mask) === c.mask && (twice & c.twice) === c.twice) return true;
    }
    return false;
  }

  /** A token equals a form part: exactly; ignoring repeated letters for long parts; for short parts only
   * when every letter is repeated ("cccppp" is "cp", "cpp" is not). */
  private partMatches(token: Token, part: string): boolean {
    const t = token.text;
    if (t === part || token.alt === part) return true;
    if (part.length >= 4) return squeeze(t) === squeeze(part);
    return uniformlyRepeated(t) && squeeze(t) === part;
  }

  private lookupWord(w: string): Form | undefined {
    const f = this.words.get(w);
    if (f) return f;
    if (w.length >= 4) {
      const s = squeeze(w);
      const g = this.wordsSqueezed.get(s);
      if (g) return g;
      if (s !== w && uniformlyRepeated(w)) return this.words.get(s);
    }
    return undefined;
  }

  /**
   * Splits a run-together word ("babyabuse", "kidslinks", "cp4trade", "13yopics", "boylover12") into known
   * words covering it: at most four, one connecting character allowed after the first ("cp4trade" reads
   * "cpatrade"), a number at either end. Returns pieces as [form, start, end) offsets, or null.
   */
  private segment(tok: string): { form: Form; start: number; end: number }[] | null {
    if (tok.length < 4 || tok.length > 4 * this.maxLen + 8) return null;
    type Piece = { form: Form; start: number; end: number };
    const best: (Piece[] | null)[] = new Array(tok.length + 1).fill(null);
    // Reached through one connecting character: a word must follow.
    const conn: (Piece[] | null)[] = new Array(tok.length + 1).fill(null);
    best[0] = [];
    const lead = /^\d*/.exec(tok)![0].length;
    if (lead) best[lead] = [];
    // Filler words around a name ("thechildlover", "realpthc") mean nothing.
    for (const f of this.fillers) if (tok.startsWith(f) && !best[f.length]) best[f.length] = [];
    // An age or other pattern term at the start ("13yo" in "13yopics").
    for (const p of this.patterns) {
      const m = p.prefix.exec(tok);
      if (m && m[0].length >= 2 && m[0].length < tok.length) best[m[0].length] = [{ form: p.form, start: 0, end: m[0].length }];
    }
    for (let i = 0; i < tok.length; i++) {
      const prefix = best[i] ?? conn[i];
      if (!prefix || prefix.length >= 4) continue;
      for (let j = i + 2; j <= Math.min(tok.length, i + this.maxLen + 4); j++) {
        const f = this.lookupWord(tok.slice(i, j));
        if (!f) continue;
        const next = [...prefix, { form: f, start: i, end: j }];
        if (!best[j] || best[j]!.length > next.length) best[j] = next;
        // One connecting character after the first word ("cp4trade" after leetspeak reads "cpatrade").
        if (j < tok.length && prefix.length === 0 && !conn[j + 1]) conn[j + 1] = next;
      }
    }
    const trail = /\d*$/.exec(tok)![0].length;
    let end = tok.length;
    let r = best[end] ?? (trail ? best[(end -= trail)] : null);
    if (!r) {
      // A filler after the words ("pthc_official" written together).
      for (const f of this.fillers) if (tok.endsWith(f) && best[tok.length - f.length]?.length) {
        r = best[(end = tok.length - f.length)]!;
        break;
      }
    }
    // Every result covers the token from its start to `end` with words, a leading number or fillers, so
    // one word is enough ("boylover12", "thepthc").
    return r && r.length ? r : null;
  }

  private occ(tokens: Token[], form: Form, from: number, to: number, a = 0, b?: number): Occ {
    const first = tokens[from]!;
    const last = tokens[to - 1]!;
    const start = first.starts[a] ?? first.start;
    const end = b === undefined ? last.end : (last.ends[b - 1] ?? last.end);
    const normalised = to - from === 1 && b !== undefined ? first.text.slice(a, b) : tokens.slice(from, to).map((t) => t.text).join(to - from > 1 && tokens.slice(from + 1, to).every((t) => t.tight) && form.parts.length === 1 ? '' : ' ');
    const steps: string[] = [];
    for (let q = from; q < to; q++) for (const st of tokens[q]!.steps) if (!steps.includes(st)) steps.push(st);
    return { term: form.term, kinds: form.kinds, from, to, span: { start, end }, normalised, steps };
  }

  matches(tokens: Token[]): Occ[] {
    const out: Occ[] = [];
    const covered = new Array<boolean>(tokens.length).fill(false);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const cands: Form[] = [];
      const add = (fs: Form[] | undefined) => {
        if (fs) for (const f of fs) if (!cands.includes(f)) cands.push(f);
      };
      add(this.byFirst.get(t.text));
      if (t.alt) add(this.byFirst.get(t.alt));
      if (t.text.length >= 4 && hasDouble(t.text)) {
        const sq = squeeze(t.text);
        add(this.byFirstSqueezed.get(sq));
        if (uniformlyRepeated(t.text)) add(this.shortSqueezed.get(sq));
      } else if (t.text.length >= 4) add(this.byFirstSqueezed.get(t.text));
      for (const f of cands) {
        if (i + f.parts.length > tokens.length) continue;
        if (f.parts.every((p, k) => this.partMatches(tokens[i + k]!, p))) {
          out.push(this.occ(tokens, f, i, i + f.parts.length));
          for (let k = i; k < i + f.parts.length; k++) covered[k] = true;
        }
      }
      for (const p of this.patterns) {
        const texts = t.alt ? [t.text, t.alt] : [t.text];
        if (texts.some((x) => p.re.test(x))) {
          out.push(this.occ(tokens, p.form, i, i + 1));
          covered[i] = true;
        } else if (i + 1 < tokens.length && texts.some((x) => p.re.test(x + tokens[i + 1]!.text))) {
          // "12 y/o", "13 años": a number and its unit written apart.
          out.push(this.occ(tokens, p.form, i, i + 2));
          covered[i] = covered[i + 1] = true;
        }
      }
    }
    for (let i = 0; i < tokens.length; i++) {
      if (covered[i]) continue;
      const t = tokens[i]!;
      const seg = this.segment(t.text) ?? (t.alt ? this.segment(t.alt) : null);
      if (seg) {
        for (const p of seg) out.push({ ...this.occ(tokens, p.form, i, i + 1, p.start, p.end), steps: [...t.steps, 'split'] });
        covered[i] = true;
        continue;
      }
      // A word written apart with in-word separators or emoji ("t4b_00", "k_i_d_sxxx", "p🔥e🔥r🔥vvideos"), or
      // a number and its unit ("12 tahunnudes"): join it with up to three tokens around it.
      const joinable = (k: number) => tokens[k]!.tight || (k === i + 1 && /^\d+$/.test(t.text));
      let done = false;
      for (let s = i; s >= Math.max(0, i - 3) && !done; s--) {
        if (s < i && !tokens[s + 1]!.tight) break;
        for (let e = i; e < Math.min(tokens.length, s + 4) && !done; e++) {
          if (e > i && !joinable(e)) break;
          if (e === s) continue;
          let joined = '';
          let joinedAlt = '';
          const bounds: [number, number][] = [];
          for (let q = s; q <= e; q++) {
            bounds.push([joined.length, q]);
            joined += tokens[q]!.text;
            joinedAlt += tokens[q]!.alt ?? tokens[q]!.text;
          }
          const whole = this.lookupWord(joined);
          let pieces = whole ? [{ form: whole, start: 0, end: joined.length }] : this.segment(joined);
          // The same with digits read as digits ("12 tahunnudes1").
          if (!pieces && joinedAlt !== joined) {
            pieces = this.segment(joinedAlt);
            if (pieces) joined = joinedAlt;
          }
          if (!pieces) continue;
          const at = (pos: number) => bounds.filter(([o]) => o <= pos).at(-1)!;
          for (const p of pieces) {
            const [o1, q1] = at(p.start);
            const [o2, q2] = at(p.end - 1);
            const o = this.occ(tokens, p.form, q1, q2 + 1, p.start - o1, p.end - o2);
            out.push({ ...o, normalised: joined.slice(p.start, p.end), steps: [...new Set([...o.steps, 'separators'])] });
          }
          for (let q = s; q <= e; q++) covered[q] = true;
          i = e;
          done = true;
        }
      }
    }
    // The longest form wins where forms overlap on the same term ("no limits" over "no limit"); one word
    // listed in two terms of the same kinds ("fotos" in Spanish and German) counts once.
    const seen = new Set<string>();
    return out.filter((m) => {
      if (out.some((o) => o !== m && o.term === m.term && o.span.start <= m.span.start && o.span.end >= m.span.end && o.span.end - o.span.start > m.span.end - m.span.start)) return false;
      const key = `${m.span.start}:${m.span.end}:${m.kinds.join(',')}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}

const matchers = new WeakMap<TermList, Matcher>();
export function matcherFor(list: TermList): Matcher {
  let m = matchers.get(list);
  if (!m) matchers.set(list, (m = new Matcher(list)));
  return m;
}

const CLEAN: Detection = Object.freeze({ flagged: false, score: 0, hits: Object.freeze([]) as unknown as Hit[], cleared: Object.freeze([]) as unknown as Hit[] }) as Detection;

export function detect(text: string, surface: Surface, list: TermList): Detection {
  const matcher = matcherFor(list);
  const skeleton = asciiSkeleton(text);
  if (skeleton !== null && !matcher.mayMatch(text, skeleton, surface)) return CLEAN;
  const n = normalise(text);
  const all = matcher.matches(n.tokens);
  if (!all.length) return { flagged: false, score: 0, hits: [], cleared: [] };
  const padded = ` ${n.tokens.map((t) => t.text).join(' ')} `;
  const joinedText = n.tokens.map((t) => t.text).join('');
  // Benign companions: the ordinary reading wins ("CP Rail", "Taboo board game").
  const benign = (t: Term) =>
    matcher.unlessOf(t).some((w) => padded.includes(` ${w.join(' ')} `) || (w.length > 1 && joinedText.includes(w.join(''))));
  const occs = all.filter((o) => !benign(o.term));
  const window = LONG_SURFACES.has(surface) ? list.contextWindow : Infinity;
  const near = (a: Occ, b: Occ) => Math.abs(a.from - b.from) <= window;
  const domains = occs.filter((o) => o.kinds.includes('domain'));
  const place = (o: Occ, kind: Kind): Place => ({ term: o.term.term, kind, category: o.term.category, span: o.span, original: text.slice(o.span.start, o.span.end), normalised: o.normalised, steps: stepsOf(o) });
  const stepsOf = (o: Occ) => {
    const steps = new Set(o.steps);
    for (const r of n.removed) if (r.start >= o.span.start && r.end <= o.span.end) steps.add(r.step);
    return [...steps];
  };

  const best = new Map<Occ, Hit>();
  for (const c of matcher.combinations) {
    if (c.surfaces && !c.surfaces.includes(surface)) continue;
    const kinds = c.kinds.map(kindOf);
    const [anchorKind, ...rest] = kinds;
    for (const a of occs) {
      if (!a.kinds.includes(anchorKind!)) continue;
      if (!rest.length && !a.term.alone) continue;
      // Fill each remaining kind with a word near the anchor; a kind listed twice needs different terms.
      const used: Occ[] = [a];
      let ok = true;
      for (const k of rest) {
        const same = used.filter((u, idx) => (idx === 0 ? anchorKind : rest[idx - 1]) === k);
        const cand = occs.filter((o) => o.kinds.includes(k) && near(a, o) && !same.some((s) => s === o || s.term === o.term));
        const pick = cand.find((o) => !used.includes(o)) ?? cand[0];
        if (!pick) {
          ok = false;
          break;
        }
        used.push(pick);
      }
      if (!ok || (rest.length && new Set(used).size < 2)) continue;
      const contextOccs = occs.filter((o) => o !== a && near(a, o) && rest.some((k) => o.kinds.includes(k)) && !(rest.every((k) => k === anchorKind) && o.term === a.term));
      const context = contextOccs.map((o) => place(o, rest.find((k) => o.kinds.includes(k))!));
      const weight = c.weight ?? a.term.weight + Math.max(0, ...contextOccs.map((o) => o.term.weight));
      // Domain context: each domain counts once, with its heaviest word.
      const byDomain = new Map<string, Occ>();
      for (const d of domains) if (near(a, d) && (byDomain.get(d.term.category)?.term.weight ?? -1) < d.term.weight) byDomain.set(d.term.category, d);
      const dom = [...byDomain.values()].map((d) => ({ ...place(d, 'domain'), weight: d.term.weight }));
      const score = weight - dom.reduce((s, d) => s + d.weight, 0);
      const prev = best.get(a);
      if (prev && (prev.score > score || (prev.score === score && prev.weight >= weight))) continue;
      const anchor = place(a, anchorKind!);
      const parts = [`${anchorKind} "${anchor.original}"`, ...context.map((x) => `${x.kind} "${x.original}"`)];
      const lowered = dom.length ? `; lowered by ${dom.map((d) => `${d.category} context "${d.original}" (−${d.weight})`).join(', ')}` : '';
      best.set(a, {
        term: a.term.term, kind: anchorKind!, category: a.term.category, weight, score, severity: c.severity, combination: c.name, surface,
        span: anchor.span, original: anchor.original, normalised: anchor.normalised, steps: anchor.steps, context, domain: dom,
        explanation: `${c.name}: ${parts.join(' + ')}${lowered}; score ${score} ${score >= list.threshold ? '≥' : '<'} ${list.threshold}`,
      });
    }
  }
  const hits: Hit[] = [];
  const cleared: Hit[] = [];
  for (const h of best.values()) (h.score >= list.threshold ? hits : cleared).push(h);
  hits.sort((x, y) => x.span.start - y.span.start);
  return { flagged: hits.length > 0, score: Math.max(0, ...hits.map((h) => h.score)), hits, cleared };
}
