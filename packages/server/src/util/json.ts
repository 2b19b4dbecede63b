// JSON is stored as text on both dialects; these keep parsing in one place.
export const toJson = (v: unknown): string => JSON.stringify(v ?? null);
export function fromJson<T = unknown>(s: string | null | undefined): T {
  return (s == null ? null : JSON.parse(s)) as T;
}

/** Deterministic JSON (sorted keys) for hashing. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}
