// Another Vigil instance's shared bank, pulled page by page through its change feed
// (GET /v1/exchange/shared/:bank/entries?after=<entry>.<change>): additions, then removals.
import { z } from 'zod';
import type { Fetcher, FetchEnv, Update } from './fetcher.ts';
import type { SignalType } from '../media/index.ts';
import { VigilError } from '../errors.ts';
import { failIfNotOk, httpGet } from './http.ts';

export const peerConfig = z
  .object({
    url: z.string().url(),
    api_key: z.string().min(8),
    bank: z.string().min(1),
    page_size: z.number().int().min(1).max(10_000).default(1000),
    /** Push entries confirmed here back to the peer's bank. */
    write_back: z.boolean().default(false),
  })
  .strict();
export type PeerConfig = z.infer<typeof peerConfig>;

export interface PeerFeedPage {
  entries: {
    id: number;
    signal_type: SignalType;
    value: string;
    external_id: string | null;
    tags: string[];
    note: string | null;
  }[];
  removed: { signal_type: SignalType; value: string }[];
  next: string;
  more: boolean;
}

export function peerFetcher(config: PeerConfig, env: FetchEnv): Fetcher {
  const base = config.url.replace(/\/+$/, '');
  return {
    async *fetch(checkpoint, signal) {
      let after = (checkpoint as { after?: string } | null)?.after ?? '0.0';
      for (;;) {
        const url = `${base}/v1/exchange/shared/${encodeURIComponent(config.bank)}/entries?after=${after}&limit=${config.page_size}`;
        const r = await httpGet(url, env, { signal, headers: { authorization: `Bearer ${config.api_key}` } });
        failIfNotOk(r, `peer ${new URL(base).host}`);
        let page: PeerFeedPage;
        try {
          page = JSON.parse(r.text) as PeerFeedPage;
        } catch {
          throw new VigilError('exchange_error', `peer ${new URL(base).host}: not JSON`);
        }
        const updates: Update[] = [
          ...page.entries.map((e) => ({
            signal_type: e.signal_type,
            value: e.value,
            external_id: `peer:${e.id}`,
            tags: e.tags,
            ...(e.note ? { note: e.note } : {}),
          })),
          ...page.removed.map((e) => ({ signal_type: e.signal_type, value: e.value, deleted: true })),
        ];
        after = page.next;
        yield { updates, checkpoint: { ...(checkpoint as object | null), after } };
        if (!page.more) return;
      }
    },
  };
}
