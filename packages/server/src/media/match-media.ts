// Matching a hashed file: an image by its PDQ (and, when Vigil hashed it, its 7 dihedral variants
// and its robust views) and exact hashes, a video by its exact hashes and every frame's PDQ.
// One allow-bank hit anywhere marks the whole file known-benign.
import type { Kysely } from 'kysely';
import { knownBits, maskedThreshold, viewThreshold, type MediaHashes } from '@vigil/pdq';
import type { Database } from '../db/schema.ts';
import type { BankIndex, BankMatch, LookupQuery } from './bank-index.ts';

export type FileMatch = BankMatch & { frame?: number };

/** An image's hashes as a lookup needs them; `dihedral` and `views` only when Vigil hashed the pixels. */
export interface ImageQuery {
  pdq?: string | null;
  md5?: string | null;
  sha256?: string | null;
  dihedral?: Record<string, string> | null;
  /** PDQ quality of the image: below 50 (upstream's floor) its dihedral hashes are not looked up. */
  quality?: number | null;
  views?: { view: string; pdq: string; transform?: string; mask?: string }[] | null;
}

/** `known`: a masked view's known bits; its masked distances are reported scaled to 256 bits. */
export type Probe = {
  q: LookupQuery;
  threshold: number;
  transform?: string;
  view?: string;
  frame?: number;
  known?: number;
};

/** Every lookup an image needs: exact hashes and PDQ as is, then its dihedral variants, then its views. */
export function imageProbes(h: ImageQuery, threshold: number): Probe[] {
  const probes: Probe[] = [
    {
      q: { pdq: h.pdq, md5: h.md5, sha256: h.sha256 },
      threshold,
      ...(h.pdq && (h.dihedral || h.views) ? { transform: 'identity' } : {}),
    },
  ];
  // A flat image's bits are mostly noise around its median; its 7 variants would be 7 more chances of a chance match.
  if (h.quality == null || h.quality >= 50)
    for (const [name, pdq] of Object.entries(h.dihedral ?? {})) probes.push({ q: { pdq }, threshold, transform: name });
  for (const v of h.views ?? []) {
    if (!v.mask)
      probes.push({
        q: { pdq: v.pdq },
        threshold: viewThreshold(v.view, threshold),
        transform: v.transform ?? 'identity',
        view: v.view,
      });
    else {
      const known = knownBits(v.mask),
        t = maskedThreshold(v.view, threshold, known);
      if (t >= 0)
        probes.push({
          q: { pdq: v.pdq, pdqMask: v.mask },
          threshold: t,
          transform: v.transform ?? 'identity',
          view: v.view,
          known,
        });
    }
  }
  return probes;
}

/** Looks every probe up; per entry the closest probe wins (the earlier probe on a tie, so the image itself before its variants). */
export async function lookupProbes(
  db: Kysely<Database>,
  index: BankIndex,
  probes: Probe[],
): Promise<{ matches: FileMatch[]; allowed: BankMatch[] }> {
  const matches = new Map<number, FileMatch>();
  const allowed = new Map<number, BankMatch>();
  for (const p of probes) {
    const r = await index.lookup(db, p.q, p.threshold);
    const tag = (m: BankMatch): FileMatch => ({
      ...m,
      ...(p.known ? { distance: Math.round((m.distance * 256) / p.known) } : {}),
      ...(m.signalType === 'pdq' && p.transform ? { transform: p.transform } : {}),
      ...(m.signalType === 'pdq' && p.view ? { view: p.view } : {}),
      ...(p.frame === undefined ? {} : { frame: p.frame }),
    });
    for (const m of r.matches.map(tag))
      if (!matches.has(m.entryId) || matches.get(m.entryId)!.distance > m.distance) matches.set(m.entryId, m);
    for (const m of r.allowed) if (!allowed.has(m.entryId)) allowed.set(m.entryId, tag(m));
  }
  return {
    matches: allowed.size ? [] : [...matches.values()].sort((a, b) => a.distance - b.distance || a.entryId - b.entryId),
    allowed: [...allowed.values()],
  };
}

export async function matchMedia(
  db: Kysely<Database>,
  index: BankIndex,
  h: MediaHashes,
  maxDistance: number,
): Promise<{ matches: FileMatch[]; allowed: BankMatch[] }> {
  const probes: Probe[] =
    h.kind === 'image'
      ? imageProbes(h, maxDistance)
      : [{ q: { md5: h.md5, sha256: h.sha256 }, threshold: maxDistance }, ...frameProbes(h.frames, maxDistance)];
  return lookupProbes(db, index, probes);
}

/** A video's frames: each PDQ as is and, when Vigil hashed the frames with dihedrals, its 7 + 7 variants (quality ≥ 50, as for images). */
export function frameProbes(
  frames: {
    index: number;
    pdq: string;
    quality: number;
    dihedral?: Record<string, string>;
    reoriented?: Record<string, string>;
  }[],
  threshold: number,
): Probe[] {
  const out: Probe[] = [];
  for (const f of frames) {
    out.push({ q: { pdq: f.pdq }, threshold, frame: f.index, ...(f.dihedral ? { transform: 'identity' } : {}) });
    if (f.quality < 50) continue;
    for (const [name, pdq] of Object.entries(f.dihedral ?? {}))
      out.push({ q: { pdq }, threshold, transform: name, frame: f.index });
    for (const [name, pdq] of Object.entries(f.reoriented ?? {}))
      out.push({ q: { pdq }, threshold, transform: name, view: 'reoriented', frame: f.index });
  }
  return out;
}
