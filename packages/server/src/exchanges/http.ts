// Outbound requests of exchanges: SSRF guard (unless private targets are allowed, for local peers),
// no redirects, a size cap and a deadline, and errors that say which exchange call failed.
import { assertPublicUrl } from '../util/ssrf.ts';
import { ExchangeError, type FetchEnv } from './fetcher.ts';

export async function httpGet(url: string, env: FetchEnv, o: { headers?: Record<string, string>; signal?: AbortSignal; method?: string; body?: string } = {}): Promise<{ status: number; text: string; headers: Headers }> {
  try {
    await assertPublicUrl(url, env.allowPrivate);
  } catch (e) {
    throw new ExchangeError(400, (e as Error).message);
  }
  const signal = o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(env.timeoutMs)]) : AbortSignal.timeout(env.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { method: o.method ?? 'GET', headers: o.headers, body: o.body, redirect: 'manual', signal });
  } catch (e) {
    throw new ExchangeError(502, `${new URL(url).host}: ${(e as Error).message}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of (res.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
    size += c.length;
    if (size > env.maxBytes) throw new ExchangeError(502, `${new URL(url).host}: response larger than ${env.maxBytes} bytes`);
    chunks.push(c);
  }
  return { status: res.status, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers };
}

export function failIfNotOk(r: { status: number; text: string }, what: string): void {
  if (r.status === 401 || r.status === 403) throw new ExchangeError(502, `${what}: credentials refused (HTTP ${r.status})`);
  if (r.status >= 300 && r.status < 400) throw new ExchangeError(502, `${what}: HTTP ${r.status} redirect (redirects are not followed)`);
  if (r.status < 200 || r.status >= 300) throw new ExchangeError(502, `${what}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
}
