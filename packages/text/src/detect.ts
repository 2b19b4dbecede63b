// Detection on one surface. Words of different kinds (coded terms, minor indicators, abuse words, media,
// exchange) combine as the list's combinations declare; domain context (gaming, maps, education, medicine,
// parenting, protection work) lowers a combination's score, so "Minecraft map trade" stays clean while
// "baby abuse vids trade" in a game server's name does not.
import { normalise, type Token } from './normalise.ts';
import { skeleton } from './skeleton.ts';
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
function uniformlyRepeated(s: string): boolean {
  if (s.length < 4) return false;
  // A loop, not a regular expression: /^(?:(\p{L})\1+)+$/ backtracks exponentially on long runs.
  let i = 0;
  while (i < s.length) {
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) === s.charCodeAt(i)) j++;
    if (j - i < 2 || !/\p{L}/u.test(s[i]!)) return false;
    i = j;
  }
  return true;
}
const kindOf = (k: Kind): Kind => (k === 'trading' ? 'exchange' : k);

interface Form {
  parts: string[];
  term: Term;
  kinds: Kind[];
  mask: number;
}

interface Occ {
  term: Term;
  kinds: Kind[];
  mask: number;
  from: number; // token indexes
  to: number; // exclusive
  span: { start: number; end: number };
  normalised: string;
  steps: string[];
}

type Combo = Omit<Combination, 'weight'> & { weight?: number };

const KIND_BIT: Record<Kind, number> = {
  coded: 1,
  phrase: 2,
  minor: 4,
  abuse: 8,
  media: 16,
  exchange: 32,
  trading: 32,
  domain: 64,
};
const maskOf = (kinds: Kind[]) => kinds.reduce((m, k) => m | KIND_BIT[k], 0);

/** The token a position of a joined string falls in: [its offset in the string, its index]. */
function boundAt(bounds: [number, number][], pos: number): [number, number] {
  let r = bounds[0]!;
  for (const b of bounds) if (b[0] <= pos) r = b;
  return r;
}

function addForms(cands: Form[], fs: Form[] | undefined): void {
  if (fs) for (const f of fs) if (!cands.includes(f)) cands.push(f);
}

interface PrecheckState {
  mask: number;
  alone: number;
  twice: number;
  first: (Term | undefined)[];
}
function found(st: PrecheckState, e: { mask: number; alone: number; term: Term }): void {
  for (let b = 0; b < 8; b++) {
    if (!(e.mask & (1 << b))) continue;
    if (!st.first[b]) st.first[b] = e.term;
    else if (st.first[b] !== e.term) st.twice |= 1 << b;
  }
  st.mask |= e.mask;
  st.alone |= e.alone;
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
  /** Quick pre-check: term skeletons (see skeleton.ts) bucketed by their first two letters. */
  private buckets = new Map<number, { skel: string; mask: number; alone: number; term: Term }[]>();
  private singles: { skel: string; mask: number; alone: number; term: Term }[] = [];
  /** Pattern terms, searched in the lower-cased letters and digits of ASCII text. */
  private patternChecks: { re: RegExp; mask: number; alone: number }[] = [];
  private patternMask = 0;
  private patternAlone = 0;
  private comboMasks: { mask: number; twice: number; single: boolean; surfaces?: Surface[] }[];
  /** Each combination's kinds (trading read as exchange) and their mask. */
  readonly comboKinds: { kinds: Kind[]; mask: number }[];
  private alwaysMask = 0;
  private alwaysAlone = 0;

  constructor(readonly list: TermList) {
    this.combinations = list.combinations ?? LEGACY_COMBINATIONS;
    this.comboKinds = this.combinations.map((c) => ({ kinds: c.kinds.map(kindOf), mask: maskOf(c.kinds.map(kindOf)) }));
    this.comboMasks = this.combinations.map((c) => {
      const kinds = c.kinds.map(kindOf);
      const twice = kinds.filter((k, i) => kinds.indexOf(k) !== i);
      return { mask: maskOf(kinds), twice: maskOf(twice), single: kinds.length === 1, surfaces: c.surfaces };
    });
    this.fillers = (list.fillers ?? [])
      .map((f) =>
        normalise(f)
          .tokens.map((t) => t.text)
          .join(''),
      )
      .filter(Boolean);
    for (const term of list.terms) {
      const kinds = [...new Set([term.kind, ...term.also].map(kindOf))];
      if (term.pattern) {
        const form: Form = { parts: [term.term], term, kinds, mask: maskOf(kinds) };
        this.patterns.push({
          re: new RegExp(`^(?:${term.pattern})$`, 'u'),
          prefix: new RegExp(`^(?:${term.pattern})`, 'u'),
          form,
        });
        this.patternChecks.push({
          re: new RegExp(term.pattern, 'u'),
          mask: maskOf(kinds),
          alone: term.alone ? maskOf(kinds) : 0,
        });
        this.patternMask |= maskOf(kinds);
        if (term.alone) this.patternAlone |= maskOf(kinds);
        continue;
      }
      for (const f of [term.term, ...term.variants]) {
        // Forms go through the same pipeline as the text, so "y/o", "r@ygold" or Cyrillic forms match
        // what the pipeline makes of the text.
        const parts = normalise(f).tokens.map((t) => t.text);
        if (!parts.length) continue;
        const form: Form = { parts, term, kinds, mask: maskOf(kinds) };
        const first = parts[0]!;
        const push = (m: Map<string, Form[]>, k: string) => m.set(k, [...(m.get(k) ?? []), form]);
        push(this.byFirst, first);
        if (first.length >= 4) push(this.byFirstSqueezed, squeeze(first));
        else push(this.shortSqueezed, first);
        const joined = parts.join('');
        if (!this.words.has(joined) || parts.length === 1) this.words.set(joined, form);
        if (joined.length >= 4 && !this.wordsSqueezed.has(squeeze(joined)))
          this.wordsSqueezed.set(squeeze(joined), form);
        this.maxLen = Math.max(this.maxLen, joined.length);
        if (kinds.includes('domain')) continue;
        const skel = skeleton(joined).letters;
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
        const key = skel.charCodeAt(0) * 65536 + skel.charCodeAt(1);
        const b = this.buckets.get(key) ?? [];
        b.push({ skel, mask: maskOf(kinds), alone: term.alone ? maskOf(kinds) : 0, term });
        this.buckets.set(key, b);
      }
    }
  }

  private unless = new Map<Term, { spaced: string; joined: string | null }[]>();
  /** A term's benign companions, normalised like the text: " rail " to find among spaced tokens, and
   * "boardgame" (several words) to find in the tokens written together. */
  unlessOf(t: Term): { spaced: string; joined: string | null }[] {
    let u = this.unless.get(t);
    if (!u) {
      u = [];
      for (const w of t.unless) {
        const parts = normalise(w).tokens.map((x) => x.text);
        if (parts.length) u.push({ spaced: ` ${parts.join(' ')} `, joined: parts.length > 1 ? parts.join('') : null });
      }
      this.unless.set(t, u);
    }
    return u;
  }

  /** False when no combination can possibly match a text with this skeleton (most names). */
  mayMatch(squashed: string, skeleton: string, surface: Surface): boolean {
    let mask = this.alwaysMask;
    let alone = this.alwaysAlone;
    // Kinds found from two different terms, for combinations that name a kind twice.
    const st: PrecheckState = { mask, alone, twice: 0, first: [] };
    for (const e of this.singles) if (skeleton.includes(e.skel)) found(st, e);
    for (let i = 0; i + 1 < skeleton.length; i++) {
      const b = this.buckets.get(skeleton.charCodeAt(i) * 65536 + skeleton.charCodeAt(i + 1));
      if (!b) continue;
      for (const e of b) if (skeleton.startsWith(e.skel, i)) found(st, e);
    }
    mask = st.mask;
    alone = st.alone;
    const twice = st.twice;
    if (this.satisfiable(mask, alone, twice, surface)) return true;
    if (!this.patternMask) return false;
    if (!this.satisfiable(mask | this.patternMask, alone | this.patternAlone, twice, surface)) return false;
    // Only a pattern term (an age) could complete a combination: look for it.
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
      if (c.single ? (alone & c.mask) === c.mask : (mask & c.mask) === c.mask && (twice & c.twice) === c.twice)
        return true;
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
      if (m && m[0].length >= 2 && m[0].length < tok.length)
        best[m[0].length] = [{ form: p.form, start: 0, end: m[0].length }];
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
      for (const f of this.fillers)
        if (tok.endsWith(f) && best[tok.length - f.length]?.length) {
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
    const normalised =
      to - from === 1 && b !== undefined
        ? first.text.slice(a, b)
        : tokens
            .slice(from, to)
            .map((t) => t.text)
            .join(
              to - from > 1 && tokens.slice(from + 1, to).every((t) => t.tight) && form.parts.length === 1 ? '' : ' ',
            );
    const steps: string[] = [];
    for (let q = from; q < to; q++) for (const st of tokens[q]!.steps) if (!steps.includes(st)) steps.push(st);
    return { term: form.term, kinds: form.kinds, mask: form.mask, from, to, span: { start, end }, normalised, steps };
  }

  matches(tokens: Token[]): Occ[] {
    const out: Occ[] = [];
    const covered = new Array<boolean>(tokens.length).fill(false);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const cands: Form[] = [];
      addForms(cands, this.byFirst.get(t.text));
      if (t.alt) addForms(cands, this.byFirst.get(t.alt));
      if (t.text.length >= 4 && hasDouble(t.text)) {
        const sq = squeeze(t.text);
        addForms(cands, this.byFirstSqueezed.get(sq));
        if (uniformlyRepeated(t.text)) addForms(cands, this.shortSqueezed.get(sq));
      } else if (t.text.length >= 4) addForms(cands, this.byFirstSqueezed.get(t.text));
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
        for (const p of seg)
          out.push({ ...this.occ(tokens, p.form, i, i + 1, p.start, p.end), steps: [...t.steps, 'split'] });
        covered[i] = true;
        continue;
      }
      // A word written apart with in-word separators or emoji ("t4b_00", "k_i_d_sxxx", "p🔥e🔥r🔥vvideos"), or
      // a number and its unit ("12 tahunnudes"): join it with up to three tokens around it.
      const numberFirst = /^\d+$/.test(t.text);
      let done = false;
      for (let s = i; s >= Math.max(0, i - 3) && !done; s--) {
        if (s < i && !tokens[s + 1]!.tight) break;
        for (let e = i; e < Math.min(tokens.length, s + 4) && !done; e++) {
          if (e > i && !(tokens[e]!.tight || (e === i + 1 && numberFirst))) break;
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
          for (const p of pieces) {
            const [o1, q1] = boundAt(bounds, p.start);
            const [o2, q2] = boundAt(bounds, p.end - 1);
            const o = this.occ(tokens, p.form, q1, q2 + 1, p.start - o1, p.end - o2);
            out.push({
              ...o,
              normalised: joined.slice(p.start, p.end),
              steps: [...new Set([...o.steps, 'separators'])],
            });
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
    const byTerm = new Map<Term, Occ[]>();
    for (const m of out) {
      const g = byTerm.get(m.term);
      if (g) g.push(m);
      else byTerm.set(m.term, [m]);
    }
    return out.filter((m) => {
      if (
        byTerm
          .get(m.term)!
          .some(
            (o) =>
              o !== m &&
              o.span.start <= m.span.start &&
              o.span.end >= m.span.end &&
              o.span.end - o.span.start > m.span.end - m.span.start,
          )
      )
        return false;
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

/** Where a word is in the original text and how it was normalised. */
function place(text: string, removed: { step: string; start: number; end: number }[], o: Occ, kind: Kind): Place {
  const steps = o.steps.slice();
  for (const r of removed)
    if (r.start >= o.span.start && r.end <= o.span.end && !steps.includes(r.step)) steps.push(r.step);
  return {
    term: o.term.term,
    kind,
    category: o.term.category,
    span: o.span,
    original: text.slice(o.span.start, o.span.end),
    normalised: o.normalised,
    steps,
  };
}

export interface DetectOptions {
  /** Skip the skeleton pre-check (tests use this to show the pre-check never changes a result). */
  precheck?: boolean;
}

interface Candidate {
  c: Combo;
  kinds: Kind[];
  a: Occ;
  context: Occ[];
  domain: Occ[];
  weight: number;
  score: number;
}

export function detect(text: string, surface: Surface, list: TermList, opts: DetectOptions = {}): Detection {
  const matcher = matcherFor(list);
  if (opts.precheck !== false) {
    const sk = skeleton(text);
    if (!matcher.mayMatch(sk.squashed, sk.letters, surface)) return { flagged: false, score: 0, hits: [], cleared: [] };
  }
  const n = normalise(text);
  const all = matcher.matches(n.tokens);
  if (!all.length) return { flagged: false, score: 0, hits: [], cleared: [] };
  let padded = ' ';
  let joinedText = '';
  for (const t of n.tokens) {
    padded += t.text + ' ';
    joinedText += t.text;
  }
  // Benign companions: the ordinary reading wins ("CP Rail", "Taboo board game").
  const occs: Occ[] = [];
  let present = 0;
  for (const o of all) {
    let benign = false;
    for (const w of matcher.unlessOf(o.term))
      if (padded.includes(w.spaced) || (w.joined !== null && joinedText.includes(w.joined))) benign = true;
    if (benign) continue;
    occs.push(o);
    present |= o.mask;
  }
  const window = LONG_SURFACES.has(surface) ? list.contextWindow : Infinity;
  occs.sort((x, y) => x.from - y.from);
  // The words within the window of each anchor, found once (long descriptions have hundreds of words).
  const nearCache = new Map<Occ, Occ[]>();
  const nearOf = (a: Occ): Occ[] => {
    let r = nearCache.get(a);
    if (!r) {
      if (window === Infinity) r = occs;
      else {
        let lo = 0;
        let hi = occs.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (occs[mid]!.from < a.from - window) lo = mid + 1;
          else hi = mid;
        }
        r = [];
        for (let q = lo; q < occs.length && occs[q]!.from <= a.from + window; q++) r.push(occs[q]!);
      }
      nearCache.set(a, r);
    }
    return r;
  };

  // The best combination for each anchoring word.
  const best = new Map<Occ, Candidate>();
  for (let ci = 0; ci < matcher.combinations.length; ci++) {
    const c = matcher.combinations[ci]!;
    if (c.surfaces && !c.surfaces.includes(surface)) continue;
    const { kinds, mask } = matcher.comboKinds[ci]!;
    // Every kind of the combination among the words at all?
    if ((present & mask) !== mask) continue;
    const anchorKind = kinds[0]!;
    for (const a of occs) {
      if (!(a.mask & KIND_BIT[anchorKind])) continue;
      if (kinds.length === 1 && !a.term.alone) continue;
      // Fill each remaining kind with a word near the anchor; a kind listed twice needs different terms.
      const near = nearOf(a);
      let nearMask = 0;
      for (const o of near) nearMask |= o.mask;
      if ((nearMask & mask) !== mask) continue;
      const used: Occ[] = [a];
      let ok = true;
      for (let r = 1; r < kinds.length && ok; r++) {
        const k = kinds[r]!;
        let pick: Occ | undefined;
        for (const o of near) {
          if (!o.kinds.includes(k)) continue;
          let clash = false;
          for (let u = 0; u < used.length; u++)
            if (kinds[u] === k && (used[u] === o || used[u]!.term === o.term)) clash = true;
          if (clash) continue;
          if (!used.includes(o)) {
            pick = o;
            break;
          }
          pick ??= o;
        }
        if (pick) used.push(pick);
        else ok = false;
      }
      if (!ok || (kinds.length > 1 && new Set(used).size < 2)) continue;
      if (c.minTermWeight !== undefined) {
        // The heaviest words of each kind count, not just the first found.
        let sum = 0;
        for (let u = 0; u < kinds.length; u++) {
          let w = used[u]!.term.weight;
          for (const o of near)
            if (o.kinds.includes(kinds[u]!) && o.term.weight > w && !(u > 0 && o === a)) w = o.term.weight;
          sum += u === 0 ? a.term.weight : w;
        }
        if (sum < c.minTermWeight) continue;
      }
      const context = near.filter(
        (o) =>
          o !== a &&
          kinds.some((k, i) => i > 0 && o.kinds.includes(k)) &&
          !(kinds.every((k) => k === anchorKind) && o.term === a.term),
      );
      const weight = c.weight ?? a.term.weight + Math.max(0, ...context.map((o) => o.term.weight));
      // Domain context: each domain counts once, with its heaviest word.
      const byDomain = new Map<string, Occ>();
      for (const d of near)
        if (d.mask & KIND_BIT.domain && (byDomain.get(d.term.category)?.term.weight ?? -1) < d.term.weight)
          byDomain.set(d.term.category, d);
      const domain = [...byDomain.values()];
      const score = weight - domain.reduce((s, d) => s + d.term.weight, 0);
      const prev = best.get(a);
      if (prev && (prev.score > score || (prev.score === score && prev.weight >= weight))) continue;
      best.set(a, { c, kinds, a, context, domain, weight, score });
    }
  }
  if (!best.size) return { flagged: false, score: 0, hits: [], cleared: [] };

  const hits: Hit[] = [];
  const cleared: Hit[] = [];
  for (const { c, kinds, a, context: ctx, domain: doms, weight, score } of best.values()) {
    const anchorKind = kinds[0]!;
    const anchor = place(text, n.removed, a, anchorKind);
    const context = ctx.map((o) =>
      place(
        text,
        n.removed,
        o,
        kinds.find((k, i) => i > 0 && o.kinds.includes(k))!,
      ),
    );
    const domain = doms.map((d) => ({ ...place(text, n.removed, d, 'domain'), weight: d.term.weight }));
    const parts = [`${anchorKind} "${anchor.original}"`, ...context.map((x) => `${x.kind} "${x.original}"`)];
    const lowered = domain.length
      ? `; lowered by ${domain.map((d) => `${d.category} context "${d.original}" (−${d.weight})`).join(', ')}`
      : '';
    const h: Hit = {
      term: a.term.term,
      kind: anchorKind,
      category: a.term.category,
      weight,
      score,
      severity: c.severity,
      combination: c.name,
      surface,
      span: anchor.span,
      original: anchor.original,
      normalised: anchor.normalised,
      steps: anchor.steps,
      context,
      domain,
      explanation: `${c.name}: ${parts.join(' + ')}${lowered}; score ${score} ${score >= list.threshold ? '≥' : '<'} ${list.threshold}`,
    };
    (score >= list.threshold ? hits : cleared).push(h);
  }
  hits.sort((x, y) => x.span.start - y.span.start);
  return { flagged: hits.length > 0, score: Math.max(0, ...hits.map((h) => h.score)), hits, cleared };
}
