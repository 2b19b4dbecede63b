// WebSocket delivery: a signed-in device keeps one socket open and the relay pushes its queued
// envelopes as they arrive. The queue in the database stays the only truth: an envelope leaves it
// only when the device acknowledges it, so a dropped socket or a relay restart loses nothing and the
// next connection gets everything unacknowledged again (at least once; clients skip ids they saw).
//
// Protocol (JSON text frames, subprotocol `vigil.relay.v1`):
//   relay → device  {"type":"messages","messages":[envelope…]}   same shape as GET /relay/v1/messages
//   device → relay  {"type":"ack","ids":["…"]}                   → {"type":"acked","removed":n}
//   relay → device  {"type":"error","code","message"}            bad frame; the socket stays open
// The device token goes in `Authorization: Bearer vd_…`, or, from a browser (which cannot set
// headers on a WebSocket), as a second subprotocol `vigil.token.vd_…`. Close code 4401: the token
// is unknown or the account was banned.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RelayContext } from './context.ts';
import type { RelayApp } from './http.ts';
import { deviceAccount } from './accounts.ts';
import { acknowledge, pending } from './delivery.ts';

export const SOCKET_PATH = '/relay/v1/socket';
export const SUBPROTOCOL = 'vigil.relay.v1';
const TOKEN_PROTOCOL = 'vigil.token.';
/** Pushed but unacknowledged envelopes per socket before the relay waits for acknowledgements. */
const MAX_IN_FLIGHT = 2000;
const HEARTBEAT_MS = 30_000;

function tokenOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer vd_')) return auth.slice(7).trim();
  for (const p of (req.headers['sec-websocket-protocol'] ?? '').split(',')) {
    const t = p.trim();
    if (t.startsWith(TOKEN_PROTOCOL)) return t.slice(TOKEN_PROTOCOL.length);
  }
  return null;
}

const REFUSALS: Record<number, [code: string, text: string]> = {
  400: ['invalid_request', 'Bad Request'],
  401: ['unauthenticated', 'Unauthorized'],
  429: ['rate_limited', 'Too Many Requests'],
};

function refuse(socket: Duplex, status: 400 | 401 | 429, reason: string, retryAfterS?: number) {
  const [code, text] = REFUSALS[status]!;
  const body = JSON.stringify({ error: { code, message: reason } });
  const retry = retryAfterS ? `retry-after: ${retryAfterS}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${retry}connection: close\r\n\r\n${body}`,
  );
}

/** Serves SOCKET_PATH on the app's HTTP server; sockets are closed before the app closes. */
export function attachRelaySocket(app: RelayApp, ctx: RelayContext) {
  const hub = ctx.hub;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 256 * 1024,
    handleProtocols: (ps) => (ps.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const db = ctx.db;
  const maxSockets = ctx.o.limits.socketsPerAccount;
  // Sockets per account in this process. A slot is taken when the upgrade is accepted (before the handshake), so
  // simultaneous upgrades cannot all pass the check, and given back when the socket closes, served or not.
  const open = new Map<string, number>();
  const release = (accountId: string) => {
    const n = (open.get(accountId) ?? 1) - 1;
    if (n > 0) open.set(accountId, n);
    else open.delete(accountId);
  };

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://relay').pathname !== SOCKET_PATH)
      return refuse(socket, 400, `no WebSocket at ${req.url}`);
    const token = tokenOf(req);
    if (!token)
      return refuse(socket, 401, 'send the device token: Authorization: Bearer vd_… or subprotocol vigil.token.vd_…');
    deviceAccount(db, token, ctx.now()).then(
      (account) => {
        if (!account) return refuse(socket, 401, 'unknown device token, or the account is banned');
        if (maxSockets && (open.get(account.accountId) ?? 0) >= maxSockets)
          return refuse(socket, 429, `at most ${maxSockets} open connections per account: close one first`, 30);
        open.set(account.accountId, (open.get(account.accountId) ?? 0) + 1);
        socket.once('close', () => release(account.accountId));
        wss.handleUpgrade(req, socket, head, (ws) => serve(ws, account.accountId, token));
      },
      (e) => {
        ctx.o.log.error({ err: e }, 'relay socket authentication failed');
        socket.destroy();
      },
    );
  });

  function serve(ws: WebSocket, accountId: string, token: string) {
    const sent = new Set<string>(); // envelope ids pushed and not yet acknowledged
    let pumping = false,
      again = false,
      alive = true;
    const send = (m: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));

    const pump = async (): Promise<void> => {
      if (pumping) return void (again = true);
      pumping = true;
      try {
        do {
          again = false;
          // A ban (or a revoked device) ends the session at the next delivery.
          if (!(await deviceAccount(db, token, ctx.now()))) return ws.close(4401, 'signed out or banned');
          if (sent.size >= MAX_IN_FLIGHT) return;
          const { messages } = await pending(db, ctx.now(), accountId, { limit: 500 + sent.size });
          const fresh = messages.filter((m) => !sent.has(m.id)).slice(0, MAX_IN_FLIGHT - sent.size);
          if (!fresh.length) continue;
          for (const m of fresh) sent.add(m.id);
          send({ type: 'messages', messages: fresh });
          if (fresh.length === 500) again = true;
        } while (again && ws.readyState === ws.OPEN);
      } catch (e) {
        ctx.o.log.warn({ err: e, accountId }, 'relay socket delivery failed');
        send({ type: 'error', code: 'internal', message: 'delivery failed; reconnect to receive again' });
      } finally {
        pumping = false;
      }
    };
    const unsubscribe = hub.subscribe(accountId, () => void pump());
    const unEnd = hub.onEnd(accountId, () => ws.close(4401, 'banned or suspended'));
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
      void pump(); // also catches anything a missed wake-up left behind
    }, HEARTBEAT_MS).unref();
    ws.on('pong', () => (alive = true));
    ws.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      unEnd();
    });
    ws.on('error', (e) => ctx.o.log.debug({ err: e, accountId }, 'relay socket error'));
    ws.on('message', (raw, isBinary) => {
      let m: { type?: unknown; ids?: unknown };
      try {
        if (isBinary) throw new Error('binary frame');
        m = JSON.parse(raw.toString());
      } catch {
        return send({ type: 'error', code: 'invalid_request', message: 'frames are JSON text' });
      }
      if (
        m?.type !== 'ack' ||
        !Array.isArray(m.ids) ||
        m.ids.length > 1000 ||
        !m.ids.every((i) => typeof i === 'string' && i.length <= 100)
      ) {
        return send({
          type: 'error',
          code: 'invalid_request',
          message: 'expected {"type":"ack","ids":[up to 1,000 envelope ids]}',
        });
      }
      const ids = m.ids as string[];
      acknowledge(db, accountId, ids).then(
        (removed) => {
          for (const id of ids) sent.delete(id);
          send({ type: 'acked', removed });
          void pump();
        },
        (e) => {
          ctx.o.log.warn({ err: e, accountId }, 'relay socket ack failed');
          send({ type: 'error', code: 'internal', message: 'acknowledgement failed; send it again' });
        },
      );
    });
    void pump();
  }

  // Open sockets would keep the HTTP server from closing: end them first.
  app.addHook('preClose', (done) => {
    hub.stop();
    for (const ws of wss.clients) ws.terminate();
    wss.close(() => done());
  });
}
