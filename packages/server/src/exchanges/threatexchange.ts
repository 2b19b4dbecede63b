// Meta ThreatExchange (Graph API): GET /{privacy_group}/threat_updates with start_time/stop_time,
// paged by `paging.next` (an absolute URL). Descriptors: indicator, type (HASH_PDQ, HASH_MD5, …),
// should_delete, tags. As with NCMEC, a window only advances once all its pages are in.
import { z } from 'zod';
import type { Fetcher, FetchEnv, Update } from './fetcher.ts';
import { ExchangeError } from './fetcher.ts';
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

const TYPES: Record<string, Update['signal_type']> = { HASH_PDQ: 'pdq', HASH_MD5: 'md5', HASH_SHA256: 'sha256' };

interface ThreatUpdates {
  data: { id: string; indicator: string; type: string; should_delete?: boolean; tags?: string[]; last_updated?: number }[];
  paging?: { next?: string };
}

export function threatExchangeFetcher(config: z.infer<typeof threatExchangeConfig>, env: FetchEnv): Fetcher {
  const base = config.base_url.replace(/\/+$/, '');
  return {
    async *fetch(cp0, signal) {
      let cp = resumeWindow(cp0 as WindowCheckpoint | null, config.start, env.now());
      for (;;) {
        const url = cp.next ?? `${base}/${config.privacy_group}/threat_updates?` + new URLSearchParams({ access_token: config.access_token, start_time: String(cp.from), stop_time: String(cp.to), limit: String(config.page_size), fields: 'id,indicator,type,last_updated,should_delete,tags' });
        const r = await httpGet(url, env, { signal });
        failIfNotOk(r, 'ThreatExchange');
        let body: ThreatUpdates;
        try {
          body = JSON.parse(r.text) as ThreatUpdates;
        } catch {
          throw new ExchangeError(502, 'ThreatExchange: not JSON');
        }
        const updates: Update[] = [];
        for (const d of body.data ?? []) {
          const t = TYPES[d.type];
          if (!t || typeof d.indicator !== 'string') continue;
          updates.push({ signal_type: t, value: d.indicator.toLowerCase(), external_id: `te:${d.id}`, tags: d.tags ?? [], deleted: !!d.should_delete });
        }
        const next = body.paging?.next ?? null;
        // Only follow `next` links on the configured host (the token travels in them).
        if (next && new URL(next).host !== new URL(base).host) throw new ExchangeError(502, `ThreatExchange: paging link to another host (${new URL(next).host})`);
        cp = afterPage(cp, next);
        yield { updates, checkpoint: cp };
        if (!next) return;
      }
    },
  };
}
