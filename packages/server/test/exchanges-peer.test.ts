// Peer exchange between two real Vigil apps over HTTP: the source shares a bank, the peer pulls
// its change feed page by page (additions and removals), unshared banks are refused, a reset
// refetch sweeps what the source no longer has, and hashes confirmed by review on the peer are
// written back to the source once. Hashes are digests of made-up strings: benign fixtures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DIALECTS, testApp, staffSession, apiKey } from './helpers.ts';
import { loadConfig } from '../src/config.ts';

const hex = (seed: number) => createHash('sha256').update(`benign-peer-fixture-${seed}`).digest('hex');
const exchangesCfg = { ...loadConfig({ env: {} }).exchanges, enabled: false, allowPrivateTargets: true };

for (const dialect of DIALECTS) {
  describe(`peer exchange (${dialect})`, () => {
    it('pulls a shared bank with paging and deletions, refuses unshared banks, resyncs on reset, writes confirmations back', async () => {
      const source = await testApp(dialect, { exchanges: exchangesCfg });
      const peer = await testApp(dialect, { exchanges: exchangesCfg });
      try {
        const sl = await staffSession(source, 'lead');
        const sh = { cookie: sl.cookie, 'x-csrf-token': sl.csrf };
        const pl = await staffSession(peer, 'lead');
        const ph = { cookie: pl.cookie, 'x-csrf-token': pl.csrf };
        const src = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
          source.app.inject({ method, url, headers: sh, ...(payload ? { payload } : {}) });
        const here = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
          (await peer.app.inject({ method, url, headers: ph, ...(payload ? { payload } : {}) })).json();
        const values = async () =>
          (
            await peer.ctx.db.kysely
              .selectFrom('bank_entries')
              .select('value')
              .where('source', '=', 'exchange:PEER')
              .orderBy('value')
              .execute()
          ).map((r) => r.value);

        await src('POST', '/v1/banks', { name: 'SHARED', kind: 'block' });
        await src('POST', '/v1/banks', { name: 'PRIVATE', kind: 'block' });
        await src('POST', '/v1/banks/SHARED/entries', {
          entries: Array.from({ length: 5 }, (_, i) => ({ signal_type: 'pdq', value: hex(i), external_id: `s${i}` })),
        });
        const key = await apiKey(source, ['exchange']);
        const url = await source.app.listen({ port: 0, host: '127.0.0.1' });
        await here('POST', '/v1/exchanges', {
          name: 'PEER',
          type: 'peer',
          config: { url, api_key: key, bank: 'SHARED', page_size: 2, write_back: true },
        });

        let r = await here('POST', '/v1/exchanges/PEER/fetch');
        assert.equal(r.status, 'error', 'not shared yet');
        assert.match(r.error, /HTTP 404/);
        await src('PATCH', '/v1/banks/SHARED', { shared: true });
        r = await here('POST', '/v1/exchanges/PEER/fetch');
        assert.deepEqual([r.status, r.added, r.pages], ['ok', 5, 3], JSON.stringify(r));
        assert.deepEqual(await values(), [0, 1, 2, 3, 4].map(hex).sort());

        // The source removes one entry and adds another; the peer follows.
        const ids = (await src('GET', '/v1/banks/SHARED/entries')).json().entries as { id: number; value: string }[];
        await src('DELETE', `/v1/banks/SHARED/entries/${ids.find((e) => e.value === hex(0))!.id}`);
        await src('POST', '/v1/banks/SHARED/entries', { entries: [{ signal_type: 'pdq', value: hex(9) }] });
        r = await here('POST', '/v1/exchanges/PEER/fetch');
        assert.deepEqual([r.added, r.removed], [1, 1]);
        assert.deepEqual(await values(), [1, 2, 3, 4, 9].map(hex).sort());

        // Who may read the feed: scope read or exchange, and only shared banks (unshared looks absent).
        const feed = async (bank: string, k: string) =>
          source.app.inject({
            method: 'GET',
            url: `/v1/exchange/shared/${bank}/entries`,
            headers: { authorization: `Bearer ${k}` },
          });
        assert.equal((await feed('PRIVATE', key)).statusCode, 404);
        assert.equal((await feed('NOPE', key)).statusCode, 404);
        assert.equal((await feed('SHARED', await apiKey(source, ['read']))).statusCode, 200);
        assert.equal((await feed('SHARED', await apiKey(source, ['ingest']))).statusCode, 403);
        const readOnly = await apiKey(source, ['read']);
        const wb = await source.app.inject({
          method: 'POST',
          url: '/v1/exchange/shared/SHARED/entries',
          headers: { authorization: `Bearer ${readOnly}` },
          payload: { entries: [{ signal_type: 'pdq', value: hex(1) }] },
        });
        assert.equal(wb.statusCode, 403, 'writing back needs scope exchange');

        // A reset refetches from scratch: an entry the peer holds but the source lost while the
        // change log could not tell (here: removed behind the feed's back) is swept.
        await peer.ctx.db.kysely
          .insertInto('bank_entries')
          .values({
            bank_id: (
              await peer.ctx.db.kysely
                .selectFrom('banks')
                .select('id')
                .where('name', '=', 'PEER')
                .executeTakeFirstOrThrow()
            ).id,
            signal_type: 'pdq',
            value: hex(50),
            source: 'exchange:PEER',
            external_id: 'peer:999',
            tags: null,
            note: null,
            confirmed: 0,
            added_at: new Date().toISOString(),
          })
          .execute();
        await here('PATCH', '/v1/exchanges/PEER', { reset_checkpoint: true });
        r = await here('POST', '/v1/exchanges/PEER/fetch');
        assert.deepEqual([r.status, r.added, r.removed], ['ok', 0, 1], JSON.stringify(r));
        assert.deepEqual(await values(), [1, 2, 3, 4, 9].map(hex).sort());

        // Review on the peer confirms one entry: the next fetch writes it back, once.
        const local = await peer.ctx.db.kysely
          .selectFrom('bank_entries')
          .select('id')
          .where('value', '=', hex(3))
          .executeTakeFirstOrThrow();
        await here('POST', `/v1/banks/PEER/entries/${local.id}/confirm`, { reason: 'confirmed by a reviewer here' });
        r = await here('POST', '/v1/exchanges/PEER/fetch');
        assert.equal(r.written_back, 1, JSON.stringify(r));
        const onSource = await source.ctx.db.kysely
          .selectFrom('bank_entries')
          .select(['confirmed', 'confirmed_by'])
          .where('value', '=', hex(3))
          .executeTakeFirstOrThrow();
        assert.equal(onSource.confirmed, 1);
        assert.match(onSource.confirmed_by!, /^peer:key:/);
        assert.equal((await here('POST', '/v1/exchanges/PEER/fetch')).written_back, 0, 'written back once');

        // A hash the source never had arrives confirmed with the peer's external id; sent twice, it is added once.
        const post = () =>
          source.app.inject({
            method: 'POST',
            url: '/v1/exchange/shared/SHARED/entries',
            headers: { authorization: `Bearer ${key}` },
            payload: { entries: [{ signal_type: 'pdq', value: hex(77), external_id: 'peer-case-17' }] },
          });
        assert.deepEqual((await post()).json(), { received: 1, confirmed: 0, added: 1 });
        assert.deepEqual((await post()).json(), { received: 1, confirmed: 0, added: 0 });
        const added = await source.ctx.db.kysely
          .selectFrom('bank_entries')
          .select(['external_id', 'confirmed', 'source'])
          .where('value', '=', hex(77))
          .executeTakeFirstOrThrow();
        assert.deepEqual(added, { external_id: 'peer-case-17', confirmed: 1, source: 'peer-writeback' });
        const audit = await source.ctx.db.kysely
          .selectFrom('audit_log')
          .select('action')
          .where('action', '=', 'bank.exchange.writeback')
          .execute();
        assert.equal(audit.length, 2, 'each write-back that changed something is audited');
      } finally {
        await peer.close();
        await source.close();
      }
    });
  });
}
