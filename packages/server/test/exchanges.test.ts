// Hash exchanges: file/URL lists, NCMEC's hash sharing and ThreatExchange (local fakes of the two
// external APIs), each fetcher's own behaviour, checkpoints that survive a hung page, the per-exchange
// lock, stale checkpoints and access. Peers are in exchanges-peer.test.ts; what every fetcher must do
// (paging, resuming, failed pages, removals, invalid hashes) is in exchange-fetchers.conformance.test.ts. Every hash here is a digest of a
// made-up string: benign fixtures.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { DIALECTS, testApp, staffSession, type TestApp } from './helpers.ts';
import { startFakeNcmec, type FakeNcmecEntry } from './fakes/ncmec-hash-api.ts';
import { startFakeThreatExchange, type FakeIndicator } from './fakes/threatexchange-graph.ts';
import { loadConfig } from '../src/config.ts';

const hex = (seed: number, len = 64) =>
  createHash('sha256').update(`benign-fixture-${seed}`).digest('hex').slice(0, len);
const exchangesCfg = { ...loadConfig({ env: {} }).exchanges, enabled: false, allowPrivateTargets: true };
const isoS = (t: number) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

for (const dialect of DIALECTS) {
  describe(`hash exchanges (${dialect})`, () => {
    let ta: TestApp;
    let h: Record<string, string>;
    const dir = mkdtempSync(join(tmpdir(), 'vigil-exch-'));
    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = h) =>
      ta.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    const fetchNow = async (name: string) => (await api('POST', `/v1/exchanges/${name}/fetch`)).json();
    const bankNames = async () => (await api('GET', '/v1/banks')).json().banks.map((b: { name: string }) => b.name);
    const values = async (bank: string) =>
      (
        await ta.ctx.db.kysely
          .selectFrom('bank_entries')
          .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
          .select(['bank_entries.value'])
          .where('banks.name', '=', bank)
          .orderBy('bank_entries.value')
          .execute()
      ).map((r) => r.value);

    before(async () => {
      ta = await testApp(dialect, { exchanges: exchangesCfg });
      const lead = await staffSession(ta, 'lead');
      h = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
    });
    after(async () => ta.close());

    it('file exchange: CSV then JSON, unchanged files skipped, missing entries removed, hand-added entries kept', async () => {
      const f = join(dir, 'list.csv');
      writeFileSync(
        f,
        `signal_type,signal,external_id,tags,note\npdq,${hex(1)},a,t1;t2,first\nmd5,${hex(2, 32)},b,,\n`,
      );
      const c = await api('POST', '/v1/exchanges', {
        name: 'LOCAL_LIST',
        type: 'file',
        config: { path: f },
        interval_s: 600,
      });
      assert.equal(c.statusCode, 201, c.body);
      assert.ok((await bankNames()).includes('LOCAL_LIST'), 'the bank is created with the exchange');
      let r = await fetchNow('LOCAL_LIST');
      assert.deepEqual([r.status, r.added, r.removed], ['ok', 2, 0]);
      const e1 = await ta.ctx.db.kysely
        .selectFrom('bank_entries')
        .select(['tags', 'note', 'external_id', 'source'])
        .where('value', '=', hex(1))
        .executeTakeFirstOrThrow();
      assert.deepEqual(e1, { tags: 't1,t2', note: 'first', external_id: 'a', source: 'exchange:LOCAL_LIST' });
      r = await fetchNow('LOCAL_LIST');
      assert.deepEqual([r.status, r.pages, r.added], ['ok', 0, 0], 'an unchanged file is skipped');
      writeFileSync(
        f,
        JSON.stringify([
          { signal_type: 'pdq', value: hex(1) },
          { signal_type: 'pdq', value: hex(3) },
        ]),
      );
      r = await fetchNow('LOCAL_LIST');
      assert.deepEqual([r.added, r.removed], [1, 1]);
      assert.deepEqual(await values('LOCAL_LIST'), [hex(1), hex(3)].sort());
      // JSON lines, and a hash staff added by hand is never removed by the exchange.
      await api('POST', '/v1/banks/LOCAL_LIST/entries', { entries: [{ signal_type: 'pdq', value: hex(4) }] });
      writeFileSync(f, `{"signal_type":"pdq","value":"${hex(3)}"}\n`);
      r = await fetchNow('LOCAL_LIST');
      assert.deepEqual([r.added, r.removed], [0, 1]);
      assert.deepEqual(await values('LOCAL_LIST'), [hex(3), hex(4)].sort());
      const bad = await api('POST', '/v1/exchanges', { name: 'BAD', type: 'ncmec', config: { username: 'u' } });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /password/);
    });

    it('file exchange over HTTP: ETag answered 304 is skipped; private addresses refused unless allowed', async () => {
      let body = `pdq,${hex(10)}\nmd5,${hex(11, 32)}\n`;
      const seen: (string | undefined)[] = [];
      const srv = createServer((req, res) => {
        seen.push(req.headers['if-none-match'] as string | undefined);
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
        res.writeHead(200, { etag, 'content-type': 'text/csv' }).end(body);
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/list.csv`;
      try {
        assert.equal(
          (await api('POST', '/v1/exchanges', { name: 'URL_LIST', type: 'file', config: { url } })).statusCode,
          201,
        );
        let r = await fetchNow('URL_LIST');
        assert.deepEqual([r.status, r.added], ['ok', 2]);
        r = await fetchNow('URL_LIST');
        assert.deepEqual([r.status, r.pages], ['ok', 0]);
        assert.match(seen[1]!, /^"[0-9a-f]{32}"$/, 'the second request sent the ETag');
        body = `pdq,${hex(10)}\n`;
        r = await fetchNow('URL_LIST');
        assert.deepEqual([r.added, r.removed], [0, 1]);
        // The same list through an app that does not allow private targets: refused, recorded.
        const guarded = await testApp(dialect, { exchanges: { ...exchangesCfg, allowPrivateTargets: false } });
        try {
          const g = await staffSession(guarded, 'admin');
          const gh = { cookie: g.cookie, 'x-csrf-token': g.csrf };
          await guarded.app.inject({
            method: 'POST',
            url: '/v1/exchanges',
            headers: gh,
            payload: { name: 'URL_LIST', type: 'file', config: { url } },
          });
          const gr = (
            await guarded.app.inject({ method: 'POST', url: '/v1/exchanges/URL_LIST/fetch', headers: gh })
          ).json();
          assert.equal(gr.status, 'error');
          assert.match(gr.error, /private or loopback/);
          assert.equal(seen.length, 3, 'the guarded app never reached the server');
        } finally {
          await guarded.close();
        }
      } finally {
        await new Promise((r) => srv.close(r));
      }
    });

    it('NCMEC hash sharing: pages, withdrawals by id, shared hashes, out-of-order entries, 401', async () => {
      const now = Math.floor(ta.clock.now().getTime() / 1000);
      // Nine entries whose ids and timestamps disagree on order; members 42 and 77 share one MD5.
      const entries: FakeNcmecEntry[] = Array.from({ length: 9 }, (_, i) => ({
        id: String(9000 - i * 7),
        kind: i % 3 ? 'image' : 'video',
        timestamp: now - 1000 + ((i * 37) % 500),
        classification: 'A1',
        md5: hex(100 + i, 32),
        pdq: i % 3 ? hex(200 + i) : undefined,
      }));
      entries.push({ id: '9000', member: 77, kind: 'image', timestamp: now - 10, md5: hex(101, 32) });
      const fake = await startFakeNcmec({ username: 'esp', password: 'secret', pageSize: 3, entries });
      try {
        await api('POST', '/v1/exchanges', {
          name: 'NCMEC',
          type: 'ncmec',
          config: { base_url: fake.url, username: 'esp', password: 'secret' },
        });
        let r = await fetchNow('NCMEC');
        assert.deepEqual([r.status, r.pages], ['ok', 4], JSON.stringify(r));
        const ex = (await api('GET', '/v1/exchanges/NCMEC')).json();
        assert.equal(ex.config.password, '(set)');
        assert.doesNotMatch(JSON.stringify(ex), /secret/);
        assert.equal(r.added, 9 + 6, 'an MD5 per entry, a PDQ per image, the shared MD5 once');
        assert.equal((await values('NCMEC')).length, 15);
        const tagged = await ta.ctx.db.kysely
          .selectFrom('bank_entries')
          .select(['tags', 'external_id'])
          .where('value', '=', hex(100, 32))
          .executeTakeFirstOrThrow();
        assert.deepEqual(tagged, { tags: 'ncmec:A1', external_id: 'ncmec:42-9000' });
        // Next window: member 42 withdraws two entries (by id, no fingerprints), one new entry.
        ta.clock.advance(60_000);
        fake.entries = [
          { id: '9000', kind: 'video', deleted: true, timestamp: now + 30 },
          { id: '8993', kind: 'image', deleted: true, timestamp: now + 20 },
          { id: 'n1', kind: 'image', timestamp: now + 40, md5: hex(300, 32) },
        ];
        r = await fetchNow('NCMEC');
        assert.deepEqual(
          [r.status, r.added, r.removed],
          ['ok', 1, 2],
          '9000 takes its MD5; 8993 takes its PDQ and leaves its MD5 to member 77',
        );
        const left = await values('NCMEC');
        assert.ok(left.includes(hex(101, 32)), 'a hash still held by another member stays');
        assert.ok(!left.includes(hex(100, 32)) && !left.includes(hex(201)));
        const last = fake.requests.at(-1)!;
        assert.equal(
          new URL(last, 'http://x').searchParams.get('from'),
          isoS(now),
          'the new window starts where the last one ended',
        );
        await api('PATCH', '/v1/exchanges/NCMEC', { config: { password: 'wrong' } });
        r = await fetchNow('NCMEC');
        assert.equal(r.status, 'error');
        assert.match(r.error, /credentials refused \(HTTP 401\)/);
        const st = (await api('GET', '/v1/exchanges/NCMEC')).json();
        assert.deepEqual([st.last_status, st.config.username], ['error', 'esp']);
        assert.match(st.last_error, /HTTP 401/);
      } finally {
        await fake.close();
      }
    });

    it('a fetch that hangs on page 3 stops at the time limit, holds the lock meanwhile, and resumes from page 3', async () => {
      const slow = await testApp(dialect, { exchanges: { ...exchangesCfg, maxFetchMs: 1500 } });
      const now = Math.floor(slow.clock.now().getTime() / 1000);
      const fake = await startFakeNcmec({
        username: 'esp',
        password: 'pw',
        pageSize: 2,
        entries: Array.from({ length: 7 }, (_, i) => ({
          id: `s${i}`,
          kind: 'image' as const,
          timestamp: now - 100 + i,
          md5: hex(700 + i, 32),
        })),
      });
      try {
        const a = await staffSession(slow, 'admin');
        const sh = { cookie: a.cookie, 'x-csrf-token': a.csrf };
        await slow.app.inject({
          method: 'POST',
          url: '/v1/exchanges',
          headers: sh,
          payload: { name: 'SLOW', type: 'ncmec', config: { base_url: fake.url, username: 'esp', password: 'pw' } },
        });
        fake.stallOn.add(3);
        const first = slow.app.inject({ method: 'POST', url: '/v1/exchanges/SLOW/fetch', headers: sh });
        while (fake.requests.filter((q) => q.startsWith('/v2/entries')).length < 3)
          await new Promise((r) => setTimeout(r, 20));
        const second = await slow.app.inject({ method: 'POST', url: '/v1/exchanges/SLOW/fetch', headers: sh });
        assert.deepEqual([second.statusCode, second.json().status], [409, 'busy'], 'one fetch per exchange at a time');
        const r1 = (await first).json();
        assert.deepEqual([r1.status, r1.pages], ['error', 2]);
        assert.equal(
          (await slow.app.inject({ method: 'GET', url: '/v1/exchanges/SLOW', headers: sh })).json().last_status,
          'error',
        );
        const r2 = (await slow.app.inject({ method: 'POST', url: '/v1/exchanges/SLOW/fetch', headers: sh })).json();
        assert.deepEqual([r2.status, r2.pages, r2.added], ['ok', 2, 3]);
        const rows = await slow.ctx.db.kysely
          .selectFrom('bank_entries')
          .select('value')
          .where('source', '=', 'exchange:SLOW')
          .execute();
        assert.equal(rows.length, 7, 'every entry once');
        const starts = fake.requests
          .filter((q) => q.startsWith('/v2/entries'))
          .map((q) => new URL(q, 'http://x').searchParams.get('start') ?? '0');
        assert.deepEqual(starts, ['0', '2', '4', '4', '6']);
      } finally {
        await fake.close();
        await slow.close();
      }
    });

    it('ThreatExchange: threat_updates pages, should_delete, NON_MALICIOUS, descriptor tags, token never stored, stale checkpoint refetched', async () => {
      const now = Math.floor(ta.clock.now().getTime() / 1000);
      const token = '1234567890|fixture-app-token-abcdefgh';
      const ind = (id: string, seed: number, extra: Partial<FakeIndicator> = {}): FakeIndicator => ({
        id,
        indicator: hex(seed, extra.type === 'HASH_MD5' ? 32 : 64),
        type: 'HASH_PDQ',
        last_updated: now - 100 + (seed % 50),
        descriptors: [{ owner: '1001', tags: ['csam'] }],
        ...extra,
      });
      const fake = await startFakeThreatExchange({
        token,
        privacyGroup: '4321',
        indicators: [
          ind('11', 401, {
            descriptors: [
              { owner: '1001', tags: ['t1'] },
              { owner: '1002', tags: ['t2'], status: 'UNKNOWN' },
            ],
          }),
          ind('12', 402, { type: 'HASH_MD5' }),
          { id: '13', indicator: 'https://example.org/x', type: 'URI', last_updated: now - 80 },
          ind('14', 404),
          ind('15', 405, { descriptors: [{ owner: '1003', status: 'NON_MALICIOUS' }] }),
        ],
      });
      try {
        const c = await api('POST', '/v1/exchanges', {
          name: 'TE',
          type: 'threatexchange',
          config: { base_url: fake.base, access_token: token, privacy_group: '4321', page_size: 2 },
        });
        assert.equal(c.statusCode, 201, c.body);
        let r = await fetchNow('TE');
        assert.deepEqual([r.status, r.pages, r.added], ['ok', 2, 3], r.error);
        assert.ok(
          fake.requests.every((q) => new URL(q, 'http://x').searchParams.get('types')?.includes('HASH_PDQ')),
          'only hash types are asked for',
        );
        const tagged = await ta.ctx.db.kysely
          .selectFrom('bank_entries')
          .select(['tags', 'external_id'])
          .where('value', '=', hex(401))
          .executeTakeFirstOrThrow();
        assert.deepEqual(tagged, { tags: 't1,t2', external_id: 'te:11' });
        assert.ok(
          !(await values('TE')).includes(hex(405)),
          'an indicator everyone calls NON_MALICIOUS is not a block signal',
        );
        const shown = JSON.stringify((await api('GET', '/v1/exchanges/TE')).json());
        assert.ok(!shown.includes('fixture-app-token'), 'the token is neither shown nor kept in the checkpoint');
        const stored = await ta.ctx.db.kysely
          .selectFrom('exchanges')
          .select('checkpoint')
          .where('name', '=', 'TE')
          .executeTakeFirstOrThrow();
        assert.ok(!stored.checkpoint!.includes('fixture-app-token'));
        // An update: indicator 14 deleted (should_delete, no descriptors).
        ta.clock.advance(60_000);
        fake.indicators = [...fake.indicators, { ...ind('14', 404), should_delete: true, last_updated: now + 30 }];
        r = await fetchNow('TE');
        assert.deepEqual([r.status, r.removed], ['ok', 1]);
        assert.ok(!(await values('TE')).includes(hex(404)));
        // 86 days later the tombstones may be gone (ThreatExchange keeps them 90 days): indicator
        // 12 vanished without one. The stale checkpoint is dropped and the refetch sweeps it.
        ta.clock.advance(86 * 86400_000);
        const lead = await staffSession(ta, 'lead'); // the old session expired meanwhile
        h = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
        fake.indicators = fake.indicators.filter((d) => d.id !== '12');
        r = await fetchNow('TE');
        assert.equal(r.status, 'ok', JSON.stringify(r));
        assert.deepEqual(await values('TE'), [hex(401)]);
        const since = fake.requests.at(-1)!;
        assert.equal(new URL(since, 'http://x').searchParams.get('start_time'), '0', 'refetched from the beginning');
        const audit = await ta.ctx.db.kysely
          .selectFrom('audit_log')
          .select('action')
          .where('action', '=', 'exchange.refetch')
          .execute();
        assert.equal(audit.length, 1);
        await api('PATCH', '/v1/exchanges/TE', { config: { access_token: 'wrong' } });
        r = await fetchNow('TE');
        assert.equal(r.status, 'error');
        assert.match(r.error, /access token refused/);
      } finally {
        await fake.close();
      }
    });

    it('exchange routes: admin and lead manage, other staff read, every change audited', async () => {
      const rev = await staffSession(ta, 'reviewer');
      const rh = { cookie: rev.cookie, 'x-csrf-token': rev.csrf };
      assert.equal((await api('GET', '/v1/exchanges', undefined, rh)).statusCode, 200);
      assert.equal((await api('POST', '/v1/exchanges/LOCAL_LIST/fetch', undefined, rh)).statusCode, 403);
      assert.equal((await api('PATCH', '/v1/exchanges/LOCAL_LIST', { enabled: false }, rh)).statusCode, 403);
      assert.equal(
        (await api('POST', '/v1/exchanges', { name: 'X', type: 'file', config: { path: '/dev/null' } }, rh)).statusCode,
        403,
      );
      const p = await api('PATCH', '/v1/exchanges/LOCAL_LIST', {
        enabled: false,
        interval_s: 900,
        stale_after_days: 30,
      });
      assert.deepEqual([p.json().enabled, p.json().interval_s, p.json().stale_after_days], [false, 900, 30], p.body);
      assert.equal((await api('DELETE', '/v1/exchanges/URL_LIST')).statusCode, 200);
      assert.equal((await api('GET', '/v1/exchanges/URL_LIST')).statusCode, 404);
      assert.ok((await bankNames()).includes('URL_LIST'), 'the bank stays');
      const actions = (
        await ta.ctx.db.kysely.selectFrom('audit_log').select('action').where('action', 'like', 'exchange.%').execute()
      ).map((a) => a.action);
      for (const a of ['exchange.create', 'exchange.update', 'exchange.delete', 'exchange.fetch'])
        assert.ok(actions.includes(a), a);
    });
  });
}
