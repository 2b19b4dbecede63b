// A hash list in a file or at a URL (plain, HMA CSV, JSON, JSONL). The whole list is one page that
// replaces this exchange's entries; an unchanged list is skipped (same SHA-256, or HTTP 304 to the
// ETag of the last list).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { LIST_FORMATS, parseList } from '../media/index.ts';
import { VigilError } from '../errors.ts';
import { type FetchEnv, type Fetcher } from './fetcher.ts';
import { failIfNotOk, httpGet } from './http.ts';

export const fileConfig = z
  .object({
    path: z.string().min(1).optional(),
    url: z.string().url().optional(),
    format: z.enum(['auto', ...LIST_FORMATS]).default('auto'),
    signal_type: z.enum(['pdq', 'md5', 'sha256']).optional(),
  })
  .strict()
  .refine((c) => !!c.path !== !!c.url, 'give exactly one of path or url');

export function fileFetcher(config: z.infer<typeof fileConfig>, env: FetchEnv): Fetcher {
  return {
    async *fetch(checkpoint, signal) {
      const last = checkpoint as { sha256?: string; etag?: string } | null;
      let text: string;
      let etag: string | undefined;
      if (config.path) {
        text = await readFile(config.path, 'utf8').catch((e: Error) => {
          throw new VigilError('exchange_error', `cannot read ${config.path}: ${e.message}`);
        });
      } else {
        const r = await httpGet(config.url!, env, {
          signal,
          headers: last?.etag ? { 'if-none-match': last.etag } : {},
        });
        if (r.status === 304) return;
        failIfNotOk(r, `GET ${config.url}`);
        text = r.text;
        etag = r.headers.get('etag') ?? undefined;
      }
      const sha256 = createHash('sha256').update(text).digest('hex');
      if (last?.sha256 === sha256) return;
      const updates = parseList(text, config.format, config.signal_type);
      yield { updates, checkpoint: { sha256, ...(etag ? { etag } : {}) }, replaceAll: true };
    },
  };
}
