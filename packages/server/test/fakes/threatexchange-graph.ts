// A local stand-in for Meta ThreatExchange's Graph API threat_updates edge, written from its
// documentation: GET /v21.0/{privacy_group}/threat_updates/ with access_token (an OAuthException
// when wrong), start_time/stop_time on last_updated, types, limit, and absolute `paging.next`
// links that repeat every parameter, the token included. Each update is an indicator with its
// descriptors ({data: [{id, owner {id}, status, tags {data: [{id, text}]}}]}); a deleted one comes
// back with should_delete and no descriptors. Requests to fail with HTTP 500 can be named by number.
// Independent of the client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIndicator {
  id: string;
  indicator: string;
  type: 'HASH_PDQ' | 'HASH_MD5' | 'URI';
  last_updated: number;
  should_delete?: boolean;
  descriptors?: { owner: string; status?: 'MALICIOUS' | 'NON_MALICIOUS' | 'UNKNOWN'; tags?: string[] }[];
}

export async function startFakeThreatExchange(o: { token: string; privacyGroup: string; indicators: FakeIndicator[] }) {
  const requests: string[] = [];
  const state = { indicators: o.indicators };
  /** Request numbers (1-based) that answer HTTP 500. */
  const failOn = new Set<number>();
  let url = '';
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    requests.push(u.pathname + u.search);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (failOn.has(requests.length))
      return json(500, { error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1 } });
    if (u.searchParams.get('access_token') !== o.token)
      return json(400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    if (u.pathname.replace(/\/$/, '') !== `/v21.0/${o.privacyGroup}/threat_updates`)
      return json(404, { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } });
    const start = Number(u.searchParams.get('start_time') ?? 0),
      stop = Number(u.searchParams.get('stop_time') ?? Infinity);
    const types = u.searchParams.get('types')?.split(',');
    const limit = Number(u.searchParams.get('limit') ?? 25);
    const after = Number(u.searchParams.get('after') ?? 0);
    const all = state.indicators
      .filter((d) => d.last_updated >= start && d.last_updated <= stop && (!types || types.includes(d.type)))
      .sort((a, b) => a.last_updated - b.last_updated || a.id.localeCompare(b.id));
    const data = all.slice(after, after + limit).map((d) => ({
      id: d.id,
      indicator: d.indicator,
      type: d.type,
      last_updated: d.last_updated,
      should_delete: !!d.should_delete,
      ...(d.should_delete
        ? {}
        : {
            descriptors: {
              data: (d.descriptors ?? []).map((x, i) => ({
                id: `${d.id}0${i}`,
                owner: { id: x.owner },
                status: x.status ?? 'MALICIOUS',
                tags: { data: (x.tags ?? []).map((t, j) => ({ id: `9${j}`, text: t })) },
              })),
            },
          }),
    }));
    const next =
      after + limit < all.length
        ? `${url}${u.pathname}?${new URLSearchParams({ ...Object.fromEntries(u.searchParams), after: String(after + limit) })}`
        : undefined;
    json(200, {
      data,
      paging: { cursors: { before: String(after), after: String(after + data.length) }, ...(next ? { next } : {}) },
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    base: `${url}/v21.0`,
    requests,
    failOn,
    get indicators() {
      return state.indicators;
    },
    set indicators(v) {
      state.indicators = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
