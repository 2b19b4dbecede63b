// A local stand-in for Meta ThreatExchange's Graph API threat_updates edge: access_token check,
// start_time/stop_time window on last_updated, limit, and absolute `paging.next` links.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDescriptor {
  id: string;
  indicator: string;
  type: 'HASH_PDQ' | 'HASH_MD5' | 'URI';
  last_updated: number;
  should_delete?: boolean;
  tags?: string[];
}

export async function startFakeThreatExchange(o: { token: string; privacyGroup: string; descriptors: FakeDescriptor[] }) {
  const requests: string[] = [];
  let url = '';
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    requests.push(u.pathname + u.search);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (u.searchParams.get('access_token') !== o.token) return json(400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    if (u.pathname !== `/v21.0/${o.privacyGroup}/threat_updates`) return json(404, { error: { message: 'Unknown path', code: 100 } });
    const start = Number(u.searchParams.get('start_time') ?? 0), stop = Number(u.searchParams.get('stop_time') ?? Infinity);
    const limit = Number(u.searchParams.get('limit') ?? 25);
    const after = Number(u.searchParams.get('after') ?? 0);
    const all = o.descriptors.filter((d) => d.last_updated >= start && d.last_updated <= stop).sort((a, b) => a.id.localeCompare(b.id));
    const data = all.slice(after, after + limit);
    const next = after + limit < all.length ? `${url}${u.pathname}?${new URLSearchParams({ ...Object.fromEntries(u.searchParams), after: String(after + limit) })}` : undefined;
    json(200, { data, paging: { cursors: { before: String(after), after: String(after + data.length) }, ...(next ? { next } : {}) } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, base: `${url}/v21.0`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
