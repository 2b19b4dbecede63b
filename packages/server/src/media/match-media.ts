// Matching a hashed file: an image by its PDQ and exact hashes, a video by its exact hashes and every
// frame's PDQ. One allow-bank hit anywhere marks the whole file known-benign.
import type { Kysely } from 'kysely';
import type { MediaHashes } from '@vigil/pdq';
import type { Database } from '../db/schema.ts';
import type { BankIndex, BankMatch } from './bank-index.ts';

export type FileMatch = BankMatch & { frame?: number };

export async function matchMedia(db: Kysely<Database>, index: BankIndex, h: MediaHashes, maxDistance: number): Promise<{ matches: FileMatch[]; allowed: BankMatch[] }> {
  const probes: { q: { pdq?: string; md5?: string; sha256?: string }; frame?: number }[] =
    h.kind === 'image' ? [{ q: { pdq: h.pdq, md5: h.md5, sha256: h.sha256 } }] : [{ q: { md5: h.md5, sha256: h.sha256 } }, ...h.frames.map((f) => ({ q: { pdq: f.pdq }, frame: f.index }))];
  const matches = new Map<number, FileMatch>();
  const allowed = new Map<number, BankMatch>();
  for (const p of probes) {
    const r = await index.lookup(db, p.q, maxDistance);
    // Per entry, the closest frame.
    for (const m of r.matches) if (!matches.has(m.entryId) || matches.get(m.entryId)!.distance > m.distance) matches.set(m.entryId, p.frame === undefined ? m : { ...m, frame: p.frame });
    for (const m of r.allowed) allowed.set(m.entryId, m);
  }
  return { matches: allowed.size ? [] : [...matches.values()].sort((a, b) => a.distance - b.distance || a.entryId - b.entryId), allowed: [...allowed.values()] };
}
