// Media that an event gives only by URL (a profile photo, a group photo, a shared image) is fetched
// and hashed before analysis, so it can be matched like media the platform hashed itself.
// Runs in the analysis job's prepare phase: network and CPU work outside any transaction.
import { decodeLimiter } from './decode-limit.ts';
import type { PlatformEvent } from '../ingest/index.ts';
import type { Config } from '../config.ts';
import { fetchMedia } from './fetch.ts';

type Ref = { url?: string; pdq?: string; md5?: string; sha256?: string } | null | undefined;
// Images also carry their dihedral hashes and (media.robust) robust views, for the media-match analyser;
// only pdq, md5 and sha256 are stored.
// A video's frames (PDQ and its dihedrals per frame) are looked up like an uploaded video's.
type View = { view: string; pdq: string; quality: number; transform?: string; mask?: string };
export type RemoteFrame = {
  index: number;
  pdq: string;
  quality: number;
  dihedral?: Record<string, string>;
  reoriented?: Record<string, string>;
};
export type RemoteHashes = Record<
  string,
  | {
      pdq?: string;
      md5: string;
      sha256: string;
      quality?: number;
      dihedral?: Record<string, string>;
      views?: View[];
      frames?: RemoteFrame[];
    }
  | { error: string }
>;

/** The media references of an event that carry a URL but no hash. */
export function unhashedRefs(event: PlatformEvent): string[] {
  const refs: Ref[] = [];
  if (event.type === 'media.shared') refs.push(event.media);
  if (event.type === 'account.created' || event.type === 'account.updated') refs.push(event.account.avatar);
  if (event.type === 'group.created' || event.type === 'group.updated') refs.push(event.group.avatar);
  return [...new Set(refs.filter((r) => r?.url && !r.pdq && !r.md5 && !r.sha256).map((r) => r!.url!))];
}

export async function hashRemoteRefs(event: PlatformEvent, cfg: Config['media']): Promise<RemoteHashes> {
  const out: RemoteHashes = {};
  for (const url of unhashedRefs(event)) {
    try {
      const m = await fetchMedia(url, {
        allowPrivate: cfg.allowPrivateFetch,
        maxBytes: cfg.maxBytes,
        timeoutMs: cfg.timeoutMs,
      });
      // Under the same decode limits as uploads; a job waits for a slot rather than failing.
      const h = await decodeLimiter.hash(
        m.bytes,
        { dihedral: true, reoriented: true, robust: cfg.robust !== false },
        { wait: true },
      );
      // A video's frames are not one PDQ: they go as `frames`, its MD5/SHA-256 match exact lists.
      out[url] =
        h.kind === 'image'
          ? {
              pdq: h.pdq,
              md5: h.md5,
              sha256: h.sha256,
              quality: h.quality,
              ...(h.dihedral ? { dihedral: h.dihedral } : {}),
              ...(h.views ? { views: h.views } : {}),
            }
          : {
              md5: h.md5,
              sha256: h.sha256,
              frames: h.frames.map((f) => ({
                index: f.index,
                pdq: f.pdq,
                quality: f.quality,
                ...(f.dihedral ? { dihedral: f.dihedral, reoriented: f.reoriented } : {}),
              })),
            };
    } catch (e) {
      out[url] = { error: (e as Error).message };
    }
  }
  return out;
}

/** The event with fetched hashes filled in (the stored event is never changed). */
export function withRemoteHashes(event: PlatformEvent, hashes: RemoteHashes): PlatformEvent {
  const fill = <T extends Ref>(r: T): T => {
    const h = r?.url ? hashes[r.url] : undefined;
    return h && !('error' in h) ? ({ ...r, ...h } as T) : r;
  };
  if (event.type === 'media.shared') return { ...event, media: fill(event.media) };
  if (event.type === 'account.created' || event.type === 'account.updated')
    return { ...event, account: { ...event.account, avatar: fill(event.account.avatar) } };
  if (event.type === 'group.created' || event.type === 'group.updated')
    return { ...event, group: { ...event.group, avatar: fill(event.group.avatar) } };
  return event;
}
