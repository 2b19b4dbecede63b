// Outbound requests of exchanges: SSRF guard (unless private targets are allowed, for local peers),
// no redirects, a size cap and a deadline, and errors that say which exchange call failed.
import { pinnedRequest, type PinnedResponse } from '../util/pinned-fetch.ts';
import { isVigilError, VigilError } from '../errors.ts';
import type { FetchEnv } from './fetcher.ts';

export async function httpGet(
  url: string,
  env: FetchEnv,
  o: { headers?: Record<string, string>; signal?: AbortSignal; method?: string; body?: string } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  // Checked and connected to the checked address in one step (no second DNS answer; see pinned-fetch.ts).
  let res: PinnedResponse;
  try {
    res = await pinnedRequest(url, {
      allowPrivate: env.allowPrivate,
      method: o.method ?? 'GET',
      headers: o.headers,
      body: o.body,
      signal: o.signal,
      timeoutMs: env.timeoutMs,
    });
  } catch (e) {
    if (isVigilError(e, 'unsafe_url')) throw e;
    throw new VigilError('exchange_error', `${new URL(url).host}: ${(e as Error).message}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const c of res.body) {
      size += c.length;
      if (size > env.maxBytes) {
        res.cancel();
        throw new VigilError('exchange_error', `${new URL(url).host}: response larger than ${env.maxBytes} bytes`);
      }
      chunks.push(c);
    }
  } catch (e) {
    if (isVigilError(e)) throw e;
    throw new VigilError('exchange_error', `${new URL(url).host}: ${(e as Error).message}`);
  }
  return { status: res.status, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers };
}

export function failIfNotOk(r: { status: number; text: string }, what: string): void {
  if (r.status === 401 || r.status === 403)
    throw new VigilError('exchange_error', `${what}: credentials refused (HTTP ${r.status})`);
  if (r.status >= 300 && r.status < 400)
    throw new VigilError('exchange_error', `${what}: HTTP ${r.status} redirect (redirects are not followed)`);
  if (r.status < 200 || r.status >= 300)
    throw new VigilError('exchange_error', `${what}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
}
