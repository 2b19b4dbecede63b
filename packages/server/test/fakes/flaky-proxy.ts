// An HTTP forwarder in front of a real server (a source Vigil for peer exchange) that answers HTTP 500
// to the request numbers it is told to fail: a page failing in transit, without changing the server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlakyProxy {
  url: string;
  /** Requests forwarded or failed so far. */
  readonly requests: number;
  /** Request numbers (1-based) that answer HTTP 500 instead of being forwarded. */
  failOn: Set<number>;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const state = { requests: 0, failOn: new Set<number>() };
  const server: Server = createServer(async (req, res) => {
    state.requests++;
    if (state.failOn.has(state.requests)) return void res.writeHead(500).end('internal error');
    try {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host')) as Record<
        string,
        string
      >;
      const r = await fetch(new URL(req.url!, target), { method: req.method, headers, redirect: 'manual' });
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/octet-stream' });
      res.end(Buffer.from(await r.arrayBuffer()));
    } catch (e) {
      res.writeHead(502).end((e as Error).message);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    failOn: state.failOn,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
