// A hash list served over HTTP, as a file exchange with a `url` reads it: the list's text with an ETag,
// 304 to a matching If-None-Match, and failures to inject by request number. Independent of the fetcher.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHashList {
  url: string;
  body: string;
  requests: number;
  /** Request numbers (1-based) that answer HTTP 500. */
  failOn: Set<number>;
  close(): Promise<void>;
}

export async function startFakeHashList(body = ''): Promise<FakeHashList> {
  const state = { body, requests: 0, failOn: new Set<number>() };
  const server: Server = createServer((req, res) => {
    state.requests++;
    if (state.failOn.has(state.requests)) return void res.writeHead(500).end('internal error');
    const etag = `"${createHash('md5').update(state.body).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    res.writeHead(200, { etag, 'content-type': 'text/csv' }).end(state.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/list.csv`,
    get body() {
      return state.body;
    },
    set body(v) {
      state.body = v;
    },
    get requests() {
      return state.requests;
    },
    failOn: state.failOn,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
