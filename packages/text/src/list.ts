// Term lists are data: a versioned JSON document, validated here.
import { z } from 'zod';

export const SURFACES = ['username', 'display_name', 'bio', 'group_name', 'group_description'] as const;
export type Surface = (typeof SURFACES)[number];

export const termSchema = z
  .object({
    /** The term as written in the list; several words allowed ("no limits"). */
    term: z.string().min(1).max(100),
    /** Other spellings that mean the same ("nolimits"). */
    variants: z.array(z.string().min(1).max(100)).default([]),
    kind: z.enum(['coded', 'trading']),
    category: z.string().min(1).max(50),
    weight: z.number().min(0).max(10),
    /** Flags on its own; otherwise only with a trading word or another coded term nearby. */
    alone: z.boolean().default(false),
    /** Benign companions: when one of these words is in the same text, this term is read in its ordinary sense. */
    unless: z.array(z.string().min(1).max(100)).default([]),
    note: z.string().max(1000).optional(),
  })
  .strict();

export const termListSchema = z
  .object({
    name: z.string().min(1).max(100),
    version: z.number().int().min(1),
    /** Tokens around a coded term in which its context must appear (long texts: bios, descriptions). */
    contextWindow: z.number().int().min(1).max(100).default(8),
    terms: z.array(termSchema).min(1).max(10_000),
  })
  .strict();

export type TermList = z.infer<typeof termListSchema>;
export type Term = TermList['terms'][number];

export class TermListError extends Error {}

export function parseTermList(raw: unknown): TermList {
  const r = termListSchema.safeParse(raw);
  if (!r.success) throw new TermListError(`invalid term list: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
