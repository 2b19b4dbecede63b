// Term lists are data: a versioned JSON document, validated here.
//
// Terms belong to kinds that combine; the list itself declares which combinations flag, with what weight
// and severity, so an operator adds a language, a term or a rule without code. Lists saved before
// combinations existed (kinds coded and trading only, no `combinations`) still load and keep their
// meaning: a coded term flags with a trading word or a second coded term, or alone when marked `alone`.
import { z } from 'zod';

export const SURFACES = ['username', 'display_name', 'bio', 'group_name', 'group_description'] as const;
export type Surface = (typeof SURFACES)[number];

/**
 * coded: known coded terms and acronyms; phrase: known coded phrases; minor: words and ages that signal a
 * minor; abuse: abuse and sexual-content words; media: pictures, videos, packs; exchange: trading, selling
 * and contact words (trading is the older name of exchange); domain: ordinary-context words (gaming, maps,
 * education, medicine, parenting, protection work) that lower a combination's score.
 */
export const KINDS = ['coded', 'phrase', 'minor', 'abuse', 'media', 'exchange', 'trading', 'domain'] as const;
export type Kind = (typeof KINDS)[number];

const SEVERITIES = ['low', 'medium', 'high'] as const;

const termSchema = z
  .object({
    /** The term as written in the list; several words allowed ("no limits"). Normalised like the text. */
    term: z.string().min(1).max(100),
    /** Other spellings that mean the same ("nolimits"). */
    variants: z.array(z.string().min(1).max(100)).default([]),
    kind: z.enum(KINDS),
    /** More kinds the same word fills ("links" is an exchange word and a media word). */
    also: z.array(z.enum(KINDS)).default([]),
    /** For coded and phrase terms, what they refer to; for domain terms, the domain (gaming, education, …). */
    category: z.string().min(1).max(50),
    /** For domain terms, how much they lower a combination's score; otherwise used by lists without combinations. */
    weight: z.number().min(0).max(10),
    /** Flags on its own (through a one-kind combination, or for lists without combinations). */
    alone: z.boolean().default(false),
    /** Benign companions: when one of these words is in the same text, this term is read in its ordinary sense. */
    unless: z.array(z.string().min(1).max(100)).default([]),
    /**
     * A regular expression a whole normalised token (or two adjacent tokens written together) must match,
     * for open classes such as ages ("13yo", "12 y/o", "13 años"). Written for normalised text: lower case,
     * no accents; anchored automatically.
     */
    pattern: z
      .string()
      .max(500)
      .refine((p) => {
        try {
          new RegExp(p, 'u');
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression')
      .optional(),
    /** Language(s) the term is in, for operators (BCP 47 codes). */
    lang: z.string().max(50).optional(),
    note: z.string().max(1000).optional(),
  })
  .strict();

export const combinationSchema = z
  .object({
    name: z.string().min(1).max(100),
    /**
     * The kinds that must all appear (near each other in bios and descriptions), each filled by a different
     * word; a kind listed twice needs two different terms. The first kind anchors the hit. A combination of
     * one kind is filled only by terms marked `alone`.
     */
    kinds: z.array(z.enum(KINDS)).min(1).max(5),
    surfaces: z.array(z.enum(SURFACES)).optional(),
    weight: z.number().min(0).max(10),
    severity: z.enum(SEVERITIES).default('medium'),
    /** The words that fill the combination must weigh at least this together (explicit minor words weigh more
     * than ambiguous ones such as "baby" or "young"). */
    minTermWeight: z.number().min(0).max(50).optional(),
    note: z.string().max(1000).optional(),
  })
  .strict();

export const termListSchema = z
  .object({
    name: z.string().min(1).max(100),
    version: z.number().int().min(1),
    /** Tokens around the anchoring term in which the rest of a combination must appear (bios, descriptions). */
    contextWindow: z.number().int().min(1).max(100).default(8),
    /** A hit flags when its combination's weight, less the domain context nearby, reaches this. */
    threshold: z.number().min(0).max(10).default(1),
    terms: z.array(termSchema).min(1).max(10_000),
    /** Words that mean nothing around a term in run-together names ("the", "real", "official"). */
    fillers: z.array(z.string().min(1).max(30)).max(200).optional(),
    /** Absent in lists saved before combinations: those keep the old rules (see `LEGACY_COMBINATIONS`). */
    combinations: z.array(combinationSchema).max(200).optional(),
  })
  .strict();

export type TermList = z.infer<typeof termListSchema>;
export type Term = TermList['terms'][number];
export type Combination = z.infer<typeof combinationSchema>;

/**
 * What lists without `combinations` meant: a coded term with a trading word or with a second, different
 * coded term; a coded term marked `alone` by itself. No weight: their hits weigh the coded term's weight
 * plus the heaviest context term's, as before.
 */
export const LEGACY_COMBINATIONS: (Omit<Combination, 'weight'> & { weight?: number })[] = [
  { name: 'coded-alone', kinds: ['coded'], severity: 'medium' },
  { name: 'coded+trading', kinds: ['coded', 'exchange'], severity: 'medium' },
  { name: 'coded+coded', kinds: ['coded', 'coded'], severity: 'medium' },
];

export class TermListError extends Error {}

export function parseTermList(raw: unknown): TermList {
  const r = termListSchema.safeParse(raw);
  if (!r.success)
    throw new TermListError(
      `invalid term list: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}
