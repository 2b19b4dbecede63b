// HMA (Meta's Hasher-Matcher-Actioner / Open Media Match) compatibility: its signal-type names and
// response shapes, so an HMA client can point at Vigil (adding only Vigil's API key).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { MediaHashes } from '@vigil/pdq';
import type { BankIndex } from './bank-index.ts';
import type { SignalType } from './banks.ts';
import { VigilError } from '../errors.ts';

/** HMA signal-type name → Vigil's. HMA calls a video's MD5 "video_md5". */
const SIGNAL_TYPES: Record<string, SignalType> = { pdq: 'pdq', video_md5: 'md5', md5: 'md5', sha256: 'sha256' };
const LENGTH: Record<SignalType, number> = { pdq: 64, md5: 32, sha256: 64 };

export function hmaSignal(signalType: string, signal: string): { type: SignalType; value: string } {
  const type = SIGNAL_TYPES[signalType];
  if (!type)
    throw new VigilError(
      'invalid_request',
      `No such SignalType '${signalType}' (known: ${Object.keys(SIGNAL_TYPES).join(', ')})`,
    );
  const value = signal.trim().toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${LENGTH[type]}}$`).test(value))
    throw new VigilError(
      'invalid_request',
      `invalid signal type: not a ${signalType} hash (${LENGTH[type]} hex digits)`,
    );
  return { type, value };
}

/** /h/hash's shape: signal type → hash, optionally limited by HMA's `types=a,b`. */
export function hmaHashes(h: MediaHashes, types?: string): Record<string, string> {
  const all: Record<string, string> =
    h.kind === 'image'
      ? { pdq: h.pdq, md5: h.md5, sha256: h.sha256 }
      : { video_md5: h.md5, md5: h.md5, sha256: h.sha256 };
  if (!types) return all;
  const out: Record<string, string> = {};
  for (const t of types
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(t in all)) throw new VigilError('invalid_request', `signal type '${t}' doesn't exist or is disabled`);
    out[t] = all[t]!;
  }
  if (!Object.keys(out).length) throw new VigilError('invalid_request', 'empty signal type selection');
  return out;
}

/** /m/lookup's shape for one signal: the names of the block banks it matches (allow banks suppress). */
export async function hmaLookup(
  db: Kysely<Database>,
  index: BankIndex,
  type: SignalType,
  value: string,
  threshold: number,
): Promise<string[]> {
  const r = await index.lookup(db, { [type]: value }, threshold);
  return [...new Set(r.matches.map((m) => m.bank))];
}
