import { termListSchema } from '@vigil/text';

/**
 * What is wrong with a submitted term list, one entry per problem with its path (`terms.12.kind`), so an
 * editor can point at the line that holds it. The version is assigned on save, so it is never the problem.
 */
export function termListIssues(raw: unknown): { path: string; message: string }[] {
  const r = termListSchema.safeParse(raw && typeof raw === 'object' ? { ...raw, version: 1 } : raw);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
}
