// Hash exchanges: file/URL lists, a peer Vigil, NCMEC's hash sharing and ThreatExchange (local fakes
// of the two external APIs), checkpoints that survive a failed page, and write-back to a peer.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { DIALECTS, testApp, staffSession, apiKey, type TestApp } from './helpers.ts';
import { startFakeNcmec, type FakeNcmecEntry } from './fakes/ncmec-hash-api.ts';
import { startFakeThreatExchange } from './fakes/threatexchange-graph.ts';
import { loadConfig } from '../src/config.ts';

const hex = (seed: number, len = 64) => createHash('sha256').update(`benign-fixture-${seed}`).digest('hex').slice(0, len);
const exchangesCfg = { ...loadConfig({ env: {} }).exchanges, enabled: false, allowPrivateTargets: true };

for (const dialect of DIALECTS) {
  describe(`hash exchanges (${dialect})`, () => {
    let ta: TestApp;
    let h: Record<string, string>;
    const dir = mkdtempSync(join(tmpdir(), 'vigil-exch-'));
    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => ta.app.inject({ method, url, headers: h, ...(payload ? { payload } : {}) });
    const values = async (bank: string) => (await ta.ctx.db.kysely.selectFrom('bank_entries').innerJoin('banks', 'banks.id', 'bank_entries.bank_id').select(['bank_entries.value']).where('banks.name', '=', bank).orderBy('bank_entries.value').execute()).map((r) => r.value);

    before(async () => {
      ta = await testApp(dialect, { exchanges: exchangesCfg });
      const lead = await staffSession(ta, 'lead');
      h = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
    });
    after(async () => ta.close());

    it('file exchange: CSV then JSON, unchanged files skipped, missing entries removed, secrets never shown', async () => {
      const f = join(dir, 'list.csv');
      writeFileSync(f, `signal_type,signal,external_id\npdq,${hex(1)},a\nmd5,${hex(2, 32)},b\n`);
      const c = await api('POST', '/v1/exchanges', { name: 'LOCAL_LIST', type: 'file', config: { path: f }, interval_s: 600 });
      assert.equal(c.statusCode, 201, c.body);
      let r = (await api('POST', '/v1/exchanges/LOCAL_LIST/fetch')).json();
      assert.deepEqual([r.status, r.added, r.removed], ['ok', 2, 0]);
      r = (await api('POST', '/v1/exchanges/LOCAL_LIST/fetch')).json();
      assert.deepEqual([r.status, r.pages, r.added], ['ok', 0, 0], 'an unchanged file is skipped');
      writeFileSync(f, JSON.stringify([{ signal_type: 'pdq', value: hex(1) }, { signal_type: 'pdq', value: hex(3) }]));
      r = (await api('POST', '/v1/exchanges/LOCAL_LIST/fetch')).json();
      assert.deepEqual([r.added, r.removed], [1, 1]);
      assert.deepEqual(await values('LOCAL_LIST'), [hex(1), hex(3)].sort());
      writeFileSync(f, 'pdq,not-a-hash\n');
      r = (await api('POST', '/v1/exchanges/LOCAL_LIST/fetch')).json();
      assert.equal(r.status, 'error');
      assert.match(r.error, /not a pdq hash/);
      assert.deepEqual(await values('LOCAL_LIST'), [hex(1), hex(3)].sort(), 'a bad list changes nothing');
      const st = (await api('GET', '/v1/exchanges/LOCAL_LIST')).json();
      assert.equal(st.last_status, 'error');
      const bad = await api('POST', '/v1/exchanges', { name: 'BAD', type: 'ncmec', config: { username: 'u' } });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /password/);
    });

    it('NCMEC hash sharing: pages, deletions, out-of-order entries, and a failed page resumed without refetching', async () => {
      const now = Math.floor(ta.clock.now().getTime() / 1000);
      const entries: FakeNcmecEntry[] = Array.from({ length: 9 }, (_, i) => ({ id: `e${(9 - i) * 7}`, kind: i % 3 ? 'image' : 'video', timestamp: now - 1000 + ((i * 37) % 500), classification: 'A1', md5: hex(100 + i, 32), pdq: i % 3 ? hex(200 + i) : undefined }));
      const fake = await startFakeNcmec({ username: 'esp', password: 'secret', pageSize: 3, entries });
      try {
        await api('POST', '/v1/exchanges', { name: 'NCMEC', type: 'ncmec', config: { base_url: fake.url, username: 'esp', password: 'secret' } });
        fake.failOn.add(3); // the third page fails once
        let r = (await api('POST', '/v1/exchanges/NCMEC/fetch')).json();
        assert.equal(r.status, 'error');
        assert.equal(r.pages, 2);
        const cp = (await api('GET', '/v1/exchanges/NCMEC')).json().checkpoint;
        assert.match(cp.next, /start=6/);
        assert.equal((await api('GET', '/v1/exchanges/NCMEC')).json().config.password, '(set)');
        r = (await api('POST', '/v1/exchanges/NCMEC/fetch')).json();
        assert.equal(r.status, 'ok');
        const entryCalls = fake.requests.filter((q) => q.startsWith('/v2/entries'));
        assert.deepEqual(entryCalls.map((q) => new URL(q, 'http://x').searchParams.get('start') ?? '0'), ['0', '3', '6', '6'], 'pages 1–2 were not fetched again');
        assert.equal((await values('NCMEC')).length, 9 + 6, 'an MD5 per entry, a PDQ per image');
        // Next window: one entry withdrawn (deletedImage), one new.
        ta.clock.advance(60_000);
        fake.entries = [{ ...entries[1]!, deleted: true, timestamp: now + 30 }, { id: 'new1', kind: 'image', timestamp: now + 40, md5: hex(300, 32) }];
        r = (await api('POST', '/v1/exchanges/NCMEC/fetch')).json();
        assert.deepEqual([r.status, r.added, r.removed], ['ok', 1, 2]);
        const last = fake.requests.at(-1)!;
        assert.equal(new URL(last, 'http://x').searchParams.get('from'), new Date(now * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), 'the new window starts where the last one ended');
        await api('PATCH', '/v1/exchanges/NCMEC', { config: { password: 'wrong' } });
        r = (await api('POST', '/v1/exchanges/NCMEC/fetch')).json();
        assert.equal(r.status, 'error');
        assert.match(r.error, /credentials refused \(HTTP 401\)/);
      } finally {
        await fake.close();
      }
    });

    it('ThreatExchange: threat_updates pages, should_delete, other indicator types ignored', async () => {
      const now = Math.floor(ta.clock.now().getTime() / 1000);
      const fake = await startFakeThreatExchange({ token: 'app|token', privacyGroup: '1234', descriptors: [
        { id: 'd1', indicator: hex(401), type: 'HASH_PDQ', last_updated: now - 100, tags: ['t1'] },
        { id: 'd2', indicator: hex(402, 32), type: 'HASH_MD5', last_updated: now - 90 },
        { id: 'd3', indicator: 'https://example.org/x', type: 'URI', last_updated: now - 80 },
        { id: 'd4', indicator: hex(404), type: 'HASH_PDQ', last_updated: now - 70 },
      ] });
      try {
        const c = await api('POST', '/v1/exchanges', { name: 'TE', type: 'threatexchange', config: { base_url: fake.base, access_token: 'app|token', privacy_group: '1234', page_size: 2 } });
        assert.equal(c.statusCode, 201, c.body);
        const r = (await api('POST', '/v1/exchanges/TE/fetch')).json();
        assert.deepEqual([r.status, r.pages, r.added], ['ok', 2, 3]);
        const tagged = await ta.ctx.db.kysely.selectFrom('bank_entries').select(['tags', 'external_id']).where('value', '=', hex(401)).executeTakeFirstOrThrow();
        assert.deepEqual([tagged.tags, tagged.external_id], ['t1', 'te:d1']);
      } finally {
        await fake.close();
      }
    });

    it('peer exchange between two Vigil instances: paging, deletions, unshared banks refused, write-back', async () => {
      const source = await testApp(dialect, { exchanges: exchangesCfg });
      try {
        const sl = await staffSession(source, 'lead');
        const sh = { cookie: sl.cookie, 'x-csrf-token': sl.csrf };
        await source.app.inject({ method: 'POST', url: '/v1/banks', headers: sh, payload: { name: 'SHARED', kind: 'block' } });
        await source.app.inject({ method: 'POST', url: '/v1/banks', headers: sh, payload: { name: 'PRIVATE', kind: 'block' } });
        await source.app.inject({ method: 'POST', url: '/v1/banks/SHARED/entries', headers: sh, payload: { entries: Array.from({ length: 5 }, (_, i) => ({ signal_type: 'pdq', value: hex(500 + i), external_id: `s${i}` })) } });
        const key = await apiKey(source, ['exchange']);
        const url = await source.app.listen({ port: 0, host: '127.0.0.1' });
        const peer = { url, api_key: key, bank: 'SHARED', page_size: 2, write_back: true };
        await api('POST', '/v1/exchanges', { name: 'PEER', type: 'peer', config: peer });
        let r = (await api('POST', '/v1/exchanges/PEER/fetch')).json();
        assert.equal(r.status, 'error', 'not shared yet');
        assert.match(r.error, /HTTP 404/);
        await source.app.inject({ method: 'PATCH', url: '/v1/banks/SHARED', headers: sh, payload: { shared: true } });
        r = (await api('POST', '/v1/exchanges/PEER/fetch')).json();
        assert.deepEqual([r.status, r.added, r.pages], ['ok', 5, 3]);
        // The source removes one entry and adds another; the peer follows.
        const ids = (await source.app.inject({ method: 'GET', url: '/v1/banks/SHARED/entries', headers: sh })).json().entries;
        await source.app.inject({ method: 'DELETE', url: `/v1/banks/SHARED/entries/${ids[0].id}`, headers: sh });
        await source.app.inject({ method: 'POST', url: '/v1/banks/SHARED/entries', headers: sh, payload: { entries: [{ signal_type: 'pdq', value: hex(600) }] } });
        r = (await api('POST', '/v1/exchanges/PEER/fetch')).json();
        assert.deepEqual([r.added, r.removed], [1, 1]);
        assert.deepEqual(await values('PEER'), [hex(501), hex(502), hex(503), hex(504), hex(600)].sort());
        const unshared = await source.app.inject({ method: 'GET', url: '/v1/exchange/shared/PRIVATE/entries', headers: { authorization: `Bearer ${key}` } });
        assert.equal(unshared.statusCode, 404);
        const readKey = await apiKey(source, ['read']);
        assert.equal((await source.app.inject({ method: 'GET', url: '/v1/exchange/shared/SHARED/entries', headers: { authorization: `Bearer ${readKey}` } })).statusCode, 403);
        // A review here confirms one entry: the next fetch writes it back to the source.
        const local = await ta.ctx.db.kysely.selectFrom('bank_entries').select('id').where('value', '=', hex(503)).executeTakeFirstOrThrow();
        await api('POST', `/v1/banks/PEER/entries/${local.id}/confirm`, { reason: 'confirmed by a reviewer here' });
        r = (await api('POST', '/v1/exchanges/PEER/fetch')).json();
        assert.equal(r.written_back, 1);
        const onSource = await source.ctx.db.kysely.selectFrom('bank_entries').select(['confirmed', 'confirmed_by']).where('value', '=', hex(503)).executeTakeFirstOrThrow();
        assert.equal(onSource.confirmed, 1);
        assert.match(onSource.confirmed_by!, /^peer:key:/);
        assert.equal((await api('POST', '/v1/exchanges/PEER/fetch')).json().written_back, 0, 'written back once');
      } finally {
        await source.close();
      }
    });
  });
}
