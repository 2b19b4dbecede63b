// A local stand-in for NCMEC's hash-sharing API v2 (NCMEC cannot be reached from here): HTTP Basic
// (401 with an empty body when refused), GET /v2/status, GET /v2/entries?from=&to= with XML pages
// linked by a relative <next> carrying start/size/max, entries in no particular time order (as
// NCMEC's are), each with its member; deletions as deletedImage/deletedVideo with no fingerprints
// (NCMEC withdraws an entry by id). Written from the protocol, independent of the client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeNcmecEntry {
  id: string;
  /** The ESP that shared the entry (default 42); ids are unique per member. */
  member?: number;
  kind: 'image' | 'video';
  deleted?: boolean;
  timestamp: number; // unix seconds
  classification?: string;
  md5?: string;
  pdq?: string;
}

export interface FakeNcmec {
  url: string;
  entries: FakeNcmecEntry[];
  requests: string[];
  /** Request numbers (1-based, counting /v2/entries only) that answer HTTP 500. */
  failOn: Set<number>;
  /** Request numbers that never answer (a hung connection). */
  stallOn: Set<number>;
  close(): Promise<void>;
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export async function startFakeNcmec(o: {
  username: string;
  password: string;
  pageSize: number;
  entries: FakeNcmecEntry[];
}): Promise<FakeNcmec> {
  const state = { entries: o.entries, requests: [] as string[], failOn: new Set<number>(), stallOn: new Set<number>() };
  let entryRequests = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    state.requests.push(url.pathname + url.search);
    const auth = req.headers.authorization ?? '';
    if (auth !== `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="hashsharing"' }).end();
      return;
    }
    if (url.pathname === '/v2/status') {
      res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          `<?xml version="1.0"?><status xmlns="https://hashsharing.ncmec.org/hashsharing/v2"><member id="42">Example ESP</member></status>`,
        );
      return;
    }
    if (url.pathname !== '/v2/entries') return void res.writeHead(404).end();
    entryRequests++;
    if (state.failOn.has(entryRequests)) return void res.writeHead(500).end('internal error');
    if (state.stallOn.has(entryRequests)) return;
    const from = Date.parse(url.searchParams.get('from') ?? '') / 1000;
    const to = Date.parse(url.searchParams.get('to') ?? '') / 1000;
    if (!Number.isFinite(from) || !Number.isFinite(to)) return void res.writeHead(400).end('from and to are required');
    const start = Number(url.searchParams.get('start') ?? 0);
    // Deterministic but not time-ordered: sorted by id, which is unrelated to timestamps.
    const inWindow = state.entries
      .filter((e) => e.timestamp >= from && e.timestamp <= to)
      .sort((a, b) => a.id.localeCompare(b.id));
    const page = inWindow.slice(start, start + o.pageSize);
    const xml = (kind: 'image' | 'video') => {
      const items = page.filter((e) => e.kind === kind);
      if (!items.length) return '';
      const max = Math.max(...items.map((e) => e.timestamp));
      const tag = (e: FakeNcmecEntry) => (e.deleted ? `deleted${kind[0]!.toUpperCase()}${kind.slice(1)}` : kind);
      const member = (e: FakeNcmecEntry) => `<member id="${e.member ?? 42}">ESP ${e.member ?? 42}</member>`;
      const body = (e: FakeNcmecEntry) =>
        e.deleted
          ? '' // a withdrawn entry is named by id only
          : `${e.classification ? `<classification>${esc(e.classification)}</classification>` : ''}<fingerprints>${e.md5 ? `<md5>${e.md5}</md5>` : ''}${e.pdq ? `<pdq>${e.pdq}</pdq>` : ''}<pdna>${'1,'.repeat(143)}1</pdna></fingerprints>`;
      return `<${kind}s count="${items.length}" maxTimestamp="${iso(max)}">${items
        .map(
          (e) =>
            `<${tag(e)}><id>${esc(e.id)}</id>${member(e)}<timestamp>${iso(e.timestamp)}</timestamp>${body(e)}</${tag(e)}>`,
        )
        .join('')}</${kind}s>`;
    };
    const more = start + o.pageSize < inWindow.length;
    const next = more
      ? `<paging><next>${esc(`/v2/entries?from=${iso(from)}&to=${iso(to)}&start=${start + o.pageSize}&size=${o.pageSize}&max=${inWindow.length}`)}</next></paging>`
      : '';
    res
      .writeHead(200, { 'content-type': 'application/xml' })
      .end(
        `<?xml version="1.0" encoding="UTF-8"?><queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">${xml('image')}${xml('video')}${next}</queryResult>`,
      );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get entries() {
      return state.entries;
    },
    set entries(v) {
      state.entries = v;
    },
    requests: state.requests,
    failOn: state.failOn,
    stallOn: state.stallOn,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
