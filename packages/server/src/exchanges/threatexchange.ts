// Meta ThreatExchange (Graph API): GET /{privacy_group}/threat_updates/ with access_token,
// start_time/stop_time, types, fields and limit, paged by `paging.next` (an absolute URL). Each
// update is an indicator (id, indicator, type such as HASH_PDQ, last_updated, should_delete) with
// its descriptors (owner, status, tags). As with NCMEC, a window only advances once all its pages are in.
import { z } from 'zod';
import type { Fetcher, FetchEnv, Update } from './fetcher.ts';
import type { SignalType } from '../media/index.ts';
import { VigilError } from '../errors.ts';
import { failIfNotOk, httpGet } from './http.ts';
import { afterPage, resumeWindow, type WindowCheckpoint } from './window.ts';

export const threatExchangeConfig = z
  .object({
    base_url: z.string().url().default('https://graph.facebook.com/v21.0'),
    access_token: z.string().min(1),
    privacy_group: z.string().regex(/^\d+$/, 'a privacy group id is numeric'),
    page_size: z.number().int().min(1).max(1000).default(500),
    start: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

// Indicator types kept, and what they become. Others (URI, DOMAIN, …) are not hashes we match.
const TYPES: Record<string, SignalType> = {
  HASH_PDQ: 'pdq',
  HASH_MD5: 'md5',
  HASH_VIDEO_MD5: 'md5',
  HASH_SHA256: 'sha256',
};
const FIELDS = 'id,indicator,type,last_updated,should_delete,descriptors{id,owner{id},tags,status}';

interface Descriptor {
  id?: string;
  owner?: { id?: string };
  status?: string;
  /** A list of tag texts, or the Graph API's {data: [{id, text}]} form. */
  tags?: string[] | { data?: { text?: string }[] };
}
interface ThreatUpdate {
  id: string;
  indicator: string;
  type: string;
  last_updated?: number | string;
  should_delete?: boolean;
  descriptors?: { data?: Descriptor[] };
}

/**
 * An indicator is an item `te:<indicator id>`. It is withdrawn when ThreatExchange says
 * should_delete, when no descriptor is left (the tombstone shape ThreatExchange also sends), or
 * when every descriptor calls it NON_MALICIOUS. Tags are the union of the descriptors' tags.
 */
function toUpdate(u: ThreatUpdate): Update | null {
  const t = TYPES[u.type];
  if (!t || u.id === undefined) return null;
  if (typeof u.indicator !== 'string') return u.should_delete ? { external_id: `te:${u.id}`, deleted: true } : null;
  const descriptors = u.descriptors?.data ?? [];
  const base = { signal_type: t, value: u.indicator.trim().toLowerCase(), external_id: `te:${u.id}` };
  if (u.should_delete || !descriptors.length || descriptors.every((d) => d.status === 'NON_MALICIOUS'))
    return { ...base, deleted: true };
  const tags = new Set<string>();
  for (const d of descriptors)
    for (const tag of Array.isArray(d.tags) ? d.tags : (d.tags?.data ?? []).map((x) => x.text ?? ''))
      if (tag) tags.add(tag);
  return { ...base, tags: [...tags].sort() };
}

/** The token travels as a query parameter; it must never be stored with a paging link. */
function withoutToken(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('access_token');
  return u.toString();
}

export function threatExchangeFetcher(config: z.infer<typeof threatExchangeConfig>, env: FetchEnv): Fetcher {
  const base = config.base_url.replace(/\/+$/, '');
  const withToken = (url: string) => {
    const u = new URL(url);
    u.searchParams.set('access_token', config.access_token);
    return u.toString();
  };
  return {
    async *fetch(cp0, signal) {
      let cp = resumeWindow(cp0 as WindowCheckpoint | null, config.start, env.now());
      for (;;) {
        const first =
          `${base}/${config.privacy_group}/threat_updates/?` +
          new URLSearchParams({
            start_time: String(cp.from),
            stop_time: String(cp.to),
            limit: String(config.page_size),
            types: Object.keys(TYPES).join(','),
            fields: FIELDS,
          });
        const url = withToken(cp.next ?? first);
        const r = await httpGet(url, env, { signal });
        if (r.status === 400 && /OAuthException/.test(r.text))
          throw new VigilError('exchange_error', 'ThreatExchange: access token refused (OAuthException)');
        failIfNotOk(r, 'ThreatExchange');
        let body: { data?: ThreatUpdate[]; paging?: { next?: string } };
        try {
          body = JSON.parse(r.text) as typeof body;
        } catch {
          throw new VigilError('exchange_error', 'ThreatExchange: not JSON');
        }
        const updates = (body.data ?? []).map(toUpdate).filter((u): u is Update => !!u);
        const next = body.paging?.next ?? null;
        // Only follow `next` links on the configured host (the token is added to them).
        if (next && new URL(next).host !== new URL(base).host)
          throw new VigilError('exchange_error', `ThreatExchange: paging link to another host (${new URL(next).host})`);
        cp = afterPage(cp, next ? withoutToken(next) : null);
        yield { updates, checkpoint: cp };
        if (!next) return;
      }
    },
  };
}
