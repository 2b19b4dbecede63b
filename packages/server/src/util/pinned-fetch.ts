// Requests to user-supplied URLs that connect to exactly the address the SSRF check approved.
// fetch() resolves the host name again when it connects, so a name that answers with a public
// address to the check and 127.0.0.1 to the connection (DNS rebinding) would slip past it. Here the
// name is resolved once (ssrf.ts checkUrl), the socket is pinned to that address through `lookup`,
// and the URL is otherwise unchanged: the Host header and the TLS server name (SNI and certificate
// check) are still the host name. One connection per request (no agent), so no pooled socket to
// another address is reused; redirects are never followed.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { checkUrl, systemResolver, type Resolver } from './ssrf.ts';

export interface PinnedRequestOptions {
  allowPrivate: boolean;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Deadline for the whole exchange: connecting, the answer and reading the body. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Name resolution (tests inject a stub); default: the system resolver. */
  resolve?: Resolver;
}

export interface PinnedResponse {
  status: number;
  headers: Headers;
  body: AsyncIterable<Buffer>;
  /** Stops reading and closes the connection. */
  cancel(): void;
}

/** Resolves and checks `url` (throws an unsafe_url VigilError when refused), then requests it from the checked address. */
export async function pinnedRequest(raw: string, o: PinnedRequestOptions): Promise<PinnedResponse> {
  const target = await checkUrl(raw, o.allowPrivate, o.resolve ?? systemResolver);
  const { url, host, addresses } = target;
  // Every lookup the socket makes gets the checked addresses, never a fresh answer (all of them when
  // the socket asks for all, to try each in turn as it would with real DNS: a dual-stack host).
  const lookup: LookupFunction = (_name, opts, cb) => {
    if ((opts as { all?: boolean }).all)
      (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, addresses);
    else cb(null, addresses[0]!.address, addresses[0]!.family);
  };
  const signal = o.signal
    ? AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)])
    : AbortSignal.timeout(o.timeoutMs);
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<PinnedResponse>((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: o.method ?? 'GET',
        headers: {
          accept: '*/*',
          'user-agent': 'Vigil',
          ...o.headers,
          ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}),
        },
        lookup,
        agent: false,
        signal,
        ...(url.protocol === 'https:' && !isIP(host) ? { servername: host } : {}),
      },
      (res) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
          else if (v !== undefined) headers.set(k, v);
        }
        resolve({ status: res.statusCode ?? 0, headers, body: res, cancel: () => res.destroy() });
      },
    );
    req.on('error', (e) => reject(signal.aborted ? new Error(`timed out after ${o.timeoutMs} ms`) : e));
    req.end(o.body);
  });
}
