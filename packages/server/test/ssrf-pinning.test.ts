// DNS rebinding: a name that answers the SSRF check with a public address and the connection with
// 127.0.0.1. The system resolver is stubbed (both dns.lookup, which sockets use, and
// dns.promises.lookup, which the check uses), so the test drives the code exactly as real DNS would.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';
import http from 'node:http';
import tls from 'node:tls';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import { testApp, staffSession, silentLog, type TestApp } from './helpers.ts';
import { fetchMedia } from '../src/media/fetch.ts';
import { isVigilError } from '../src/errors.ts';
import { emitWebhook, deliverDue } from '../src/webhooks/outbox.ts';
import { isPrivateAddress } from '../src/util/ssrf.ts';

// Documentation range (RFC 5737): passes the public-address check, and nothing answers there.
const PUBLIC = '203.0.113.7';
const REBIND = 'rebind.test';
const LOCAL = 'local.test';
const MIXED = 'mixed.test'; // a public and a loopback record at once

describe('SSRF: which addresses are private', () => {
  it('lets public IPv4 through and refuses private ones, also written as IPv4-mapped IPv6', () => {
    for (const a of ['8.8.8.8', '203.0.113.7', '2606:4700::1111', '::ffff:8.8.8.8'])
      assert.equal(isPrivateAddress(a), false, a);
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '169.254.169.254',
      '192.168.0.1',
      '::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      'not an ip',
    ]) {
      assert.equal(isPrivateAddress(a), true, a);
    }
  });
});

describe('SSRF: the request connects to the address that was checked', () => {
  let server: http.Server;
  let port = 0;
  const hits: { url: string; host: string }[] = [];
  let lookups = 0;
  // Answers per lookup of rebind.test: public first, then loopback.
  let answers: string[] = [];
  const origLookup = dns.lookup;
  const origPromise = dns.promises.lookup;

  const answer = (host: string): string | undefined => {
    if (host === LOCAL) return '127.0.0.1';
    if (host !== REBIND) return undefined;
    lookups++;
    return answers.shift() ?? '127.0.0.1';
  };

  before(async () => {
    server = http.createServer((req, res) => {
      hits.push({ url: req.url ?? '', host: String(req.headers.host) });
      req.resume();
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('not really a png'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    (dns as { lookup: unknown }).lookup = function (host: string, opts: unknown, cb?: unknown) {
      const callback = (typeof opts === 'function' ? opts : cb) as (...a: unknown[]) => void;
      const o = (typeof opts === 'object' && opts) || {};
      const a = answer(host);
      if (a === undefined) return (origLookup as (...x: unknown[]) => void)(host, opts, cb);
      process.nextTick(() =>
        (o as { all?: boolean }).all ? callback(null, [{ address: a, family: 4 }]) : callback(null, a, 4),
      );
    };
    (dns.promises as { lookup: unknown }).lookup = async (host: string, opts?: { all?: boolean }) => {
      if (host === MIXED)
        return [
          { address: PUBLIC, family: 4 },
          { address: '127.0.0.1', family: 4 },
        ];
      const a = answer(host);
      if (a === undefined) return origPromise(host, opts as never);
      return opts?.all ? [{ address: a, family: 4 }] : { address: a, family: 4 };
    };
    syncBuiltinESMExports(); // so `import { lookup } from 'node:dns/promises'` sees the stub too
  });
  after(() => {
    dns.lookup = origLookup;
    dns.promises.lookup = origPromise;
    syncBuiltinESMExports();
    server.close();
  });
  beforeEach(() => {
    hits.length = 0;
    lookups = 0;
    answers = [PUBLIC, '127.0.0.1'];
  });

  it('media fetching resolves once and never reaches the address a second answer gives', async () => {
    await assert.rejects(
      fetchMedia(`http://${REBIND}:${port}/a.png`, { allowPrivate: false, maxBytes: 1024 * 1024, timeoutMs: 500 }),
      (e: unknown) => isVigilError(e, 'fetch_failed'),
    );
    assert.deepEqual(hits, [], 'the loopback test server was not reached');
    assert.equal(lookups, 1, 'one resolution, used for the check and the connection');
  });

  it('a name resolving to loopback is refused with 400 before any connection', async () => {
    answers = ['127.0.0.1'];
    await assert.rejects(
      fetchMedia(`http://${REBIND}:${port}/a.png`, { allowPrivate: false, maxBytes: 1024, timeoutMs: 500 }),
      (e: unknown) => isVigilError(e, 'unsafe_url'),
    );
    assert.deepEqual(hits, []);
  });

  it('refuses a name with any loopback record, even beside a public one', async () => {
    await assert.rejects(
      fetchMedia(`http://${MIXED}:${port}/a.png`, { allowPrivate: false, maxBytes: 1024, timeoutMs: 500 }),
      (e: unknown) => isVigilError(e, 'unsafe_url'),
    );
    assert.deepEqual(hits, []);
  });

  it('with private targets allowed (tests, single-host setups) it reaches a local server by name, with the Host header kept', async () => {
    const r = await fetchMedia(`http://${LOCAL}:${port}/b.png`, {
      allowPrivate: true,
      maxBytes: 1024,
      timeoutMs: 2000,
    });
    assert.equal(r.type, 'image/png');
    assert.deepEqual(hits, [{ url: '/b.png', host: `${LOCAL}:${port}` }]);
  });

  it("keeps the URL's TLS server name (SNI, certificate check) while connecting to the pinned address", async () => {
    let sni: string | undefined;
    // No certificate needed: the server reads the name from the ClientHello and ends the handshake.
    const tlsServer = tls.createServer({ SNICallback: (name, cb) => ((sni = name), cb(new Error('seen'))) });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    try {
      const tlsPort = (tlsServer.address() as AddressInfo).port;
      // Over HTTPS too, a rebinding name never reaches the loopback server.
      await assert.rejects(
        fetchMedia(`https://${REBIND}:${tlsPort}/c.png`, { allowPrivate: false, maxBytes: 1024, timeoutMs: 500 }),
        (e: unknown) => isVigilError(e, 'fetch_failed') || isVigilError(e, 'unsafe_url'),
      );
      assert.equal(sni, undefined, 'no TLS handshake reached the loopback server');
      assert.equal(lookups, 1);
      await assert.rejects(
        fetchMedia(`https://${LOCAL}:${tlsPort}/c.png`, { allowPrivate: true, maxBytes: 1024, timeoutMs: 2000 }),
        (e: unknown) => isVigilError(e, 'fetch_failed'),
      );
      assert.equal(sni, LOCAL);
    } finally {
      tlsServer.close();
    }
  });

  describe('webhooks', () => {
    let ta: TestApp;
    let admin: { cookie: string; 'x-csrf-token': string };
    before(async () => {
      ta = await testApp('sqlite', { webhooks: { maxAttempts: 5, timeoutMs: 500, allowPrivateTargets: false } });
      const s = await staffSession(ta, 'admin');
      admin = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    });
    after(() => ta.close());

    const deliver = () =>
      deliverDue({
        db: ta.ctx.db,
        clock: ta.clock,
        log: silentLog,
        maxAttempts: 5,
        timeoutMs: 500,
        allowPrivate: false,
      });
    const lastError = async () =>
      await ta.ctx.db.kysely
        .selectFrom('webhook_outbox')
        .select(['status', 'last_error'])
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();

    it('checks the target again at delivery: a name that now resolves to loopback is not delivered to', async () => {
      answers = [PUBLIC]; // public when the endpoint is saved
      const res = await ta.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: admin,
        payload: { url: `http://${REBIND}:${port}/hook`, events: ['account.banned'] },
      });
      assert.equal(res.statusCode, 201, res.body);
      answers = ['127.0.0.1']; // and loopback at delivery time
      await ta.ctx.db.kysely
        .transaction()
        .execute((trx) => emitWebhook(trx, 'account.banned', { account_id: 'u-1' }, ta.clock));
      assert.equal(await deliver(), 1);
      assert.deepEqual(hits, [], 'nothing was delivered to the loopback server');
      const row = await lastError();
      assert.equal(row.status, 'pending');
      assert.match(String(row.last_error), /private or loopback/);
    });

    it('pins the delivery connection to the address it checked', async () => {
      ta.clock.advance(3_600_000); // past the retry backoff
      answers = [PUBLIC, '127.0.0.1'];
      assert.equal(await deliver(), 1);
      assert.deepEqual(hits, [], 'the second answer (loopback) was never used');
      assert.equal(lookups, 1);
      const row = await lastError();
      assert.equal(row.status, 'pending', 'the unreachable public address is an ordinary failed attempt');
      assert.doesNotMatch(String(row.last_error), /private or loopback/);
    });
  });
});
