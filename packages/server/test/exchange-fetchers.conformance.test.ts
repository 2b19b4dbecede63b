// One conformance suite for exchange fetchers, run against every fetcher (the Hono way): a hash list on disk
// and at a URL, a peer Vigil's shared bank, NCMEC's hash sharing and ThreatExchange, each over its real
// protocol against a local stand-in (a real second Vigil for the peer). What runExchange relies on: pages in
// order, each with a checkpoint; resuming from any checkpoint yields exactly the rest; a failed page leaves
// the stored checkpoint at the last committed page and reports the error; withdrawals arrive as removals
// (item by item, or as a whole list without them); an empty source ends cleanly; an invalid hash is counted
// and skipped by itemised sources, and rejects a whole list (which then changes nothing). Fetcher-specific
// behaviour stays in exchanges.test.ts and exchanges-peer.test.ts. The runner's side runs on both dialects.
// Hashes are digests of made-up strings.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DIALECTS,
  openTestDb,
  testApp,
  testConfig,
  staffSession,
  apiKey,
  TestClock,
  type TestDb,
  type TestApp,
} from './helpers.ts';
import { startFakeNcmec, type FakeNcmecEntry } from './fakes/ncmec-hash-api.ts';
import { startFakeThreatExchange, type FakeIndicator } from './fakes/threatexchange-graph.ts';
import { startFakeHashList } from './fakes/hash-list.ts';
import { startFlakyProxy } from './fakes/flaky-proxy.ts';
import { createExchange, parseConfig, type ExchangeType } from '../src/exchanges/store.ts';
import { runExchange } from '../src/exchanges/runner.ts';
import { fileFetcher } from '../src/exchanges/file.ts';
import { peerFetcher } from '../src/exchanges/peer.ts';
import { ncmecFetcher } from '../src/exchanges/ncmec.ts';
import { threatExchangeFetcher } from '../src/exchanges/threatexchange.ts';
import type { Fetcher, FetchEnv, Page, Update } from '../src/exchanges/fetcher.ts';
import type { Config } from '../src/config.ts';

/** An item at the source: one MD5 under a stable key. */
interface Item {
  key: string;
  value: string;
}

interface Source {
  type: ExchangeType;
  config: Record<string, unknown>;
  /** From now on the source holds exactly these items: the ones it held before and not now are withdrawn. */
  hold(items: Item[]): Promise<void>;
  /** The n-th page request from now fails (HTTP 500, or an unreadable file). */
  failPage(n: number): void;
  /** Ends a failure that outlasts one request (a file put back). */
  recover(): void;
  close(): Promise<void>;
}

interface Impl {
  name: string;
  /** Items per page, or null for a whole-list source (one page that replaces everything). */
  pageSize: number | null;
  open(clock: TestClock): Promise<Source>;
}

const PAGE = 2;
const md5 = (seed: number | string) => createHash('md5').update(`benign-fetcher-fixture-${seed}`).digest('hex');
const items = (...seeds: number[]): Item[] => seeds.map((s) => ({ key: `k${s}`, value: md5(s) }));
const INVALID: Item = { key: 'bad', value: 'not-an-md5' };
const fetchers: Record<ExchangeType, (c: never, env: FetchEnv) => Fetcher> = {
  file: fileFetcher,
  peer: peerFetcher,
  ncmec: ncmecFetcher,
  threatexchange: threatExchangeFetcher,
};
const listText = (held: Item[]) => held.map((i) => `md5,${i.value}\n`).join('');

/** Windowed feeds: each change is stamped inside the next window, which the clock then passes. */
function stamp(clock: TestClock): number {
  clock.advance(60_000);
  return Math.floor(clock.now().getTime() / 1000) - 30;
}

const IMPLS: Impl[] = [
  {
    name: 'file (a list on disk)',
    pageSize: null,
    async open() {
      const path = join(mkdtempSync(join(tmpdir(), 'vigil-fetcher-')), 'list.csv');
      writeFileSync(path, '');
      return {
        type: 'file',
        config: { path },
        hold: async (held) => writeFileSync(path, listText(held)),
        failPage: (n) => {
          assert.equal(n, 1, 'a list is one page');
          renameSync(path, `${path}.away`);
        },
        recover: () => renameSync(`${path}.away`, path),
        close: async () => {},
      };
    },
  },
  {
    name: 'file (a list at a URL)',
    pageSize: null,
    async open() {
      const list = await startFakeHashList();
      return {
        type: 'file',
        config: { url: list.url },
        hold: async (held) => void (list.body = listText(held)),
        failPage: (n) => list.failOn.add(list.requests + n),
        recover: () => {},
        close: () => list.close(),
      };
    },
  },
  {
    name: 'peer (a second Vigil over HTTP)',
    pageSize: PAGE,
    async open() {
      const src: TestApp = await testApp('sqlite');
      const lead = await staffSession(src, 'lead');
      const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
        src.app.inject({
          method,
          url,
          headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf },
          ...(payload ? { payload } : {}),
        });
      assert.equal((await api('POST', '/v1/banks', { name: 'SHARED', kind: 'block' })).statusCode, 201);
      await api('PATCH', '/v1/banks/SHARED', { shared: true });
      const proxy = await startFlakyProxy(await src.app.listen({ port: 0, host: '127.0.0.1' }));
      const bankId = (
        await src.ctx.db.kysely.selectFrom('banks').select('id').where('name', '=', 'SHARED').executeTakeFirstOrThrow()
      ).id;
      return {
        type: 'peer',
        config: { url: proxy.url, api_key: await apiKey(src, ['exchange']), bank: 'SHARED', page_size: PAGE },
        async hold(held) {
          const now = (await api('GET', '/v1/banks/SHARED/entries?limit=1000')).json().entries as {
            id: number;
            value: string;
          }[];
          for (const e of now)
            if (!held.some((i) => i.value === e.value))
              assert.equal((await api('DELETE', `/v1/banks/SHARED/entries/${e.id}`)).statusCode, 200);
          for (const i of held) {
            if (now.some((e) => e.value === i.value)) continue;
            if (i === INVALID) {
              // A source Vigil refuses bad hashes at its API; one that holds one anyway (an older version, a
              // hand-edited database) still serves it, so it goes straight into the source's table.
              await src.ctx.db.kysely
                .insertInto('bank_entries')
                .values({
                  bank_id: bankId,
                  signal_type: 'md5',
                  value: i.value,
                  source: 'test',
                  external_id: i.key,
                  tags: null,
                  note: null,
                  confirmed: 0,
                  added_at: new Date().toISOString(),
                })
                .execute();
            } else
              assert.equal(
                (
                  await api('POST', '/v1/banks/SHARED/entries', {
                    entries: [{ signal_type: 'md5', value: i.value, external_id: i.key }],
                  })
                ).statusCode,
                200,
              );
          }
        },
        failPage: (n) => proxy.failOn.add(proxy.requests + n),
        recover: () => {},
        async close() {
          await proxy.close();
          await src.close();
        },
      };
    },
  },
  {
    name: 'NCMEC hash sharing',
    pageSize: PAGE,
    async open(clock) {
      const fake = await startFakeNcmec({ username: 'esp', password: 'secret', pageSize: PAGE, entries: [] });
      return {
        type: 'ncmec',
        config: { base_url: fake.url, username: 'esp', password: 'secret' },
        async hold(held) {
          const t = stamp(clock);
          const keep = new Set(held.map((i) => i.key));
          // NCMEC withdraws an entry by id, with no fingerprints, stamped when it is withdrawn.
          const entries = fake.entries.map((e): FakeNcmecEntry =>
            e.deleted || keep.has(e.id) ? e : { id: e.id, kind: e.kind, deleted: true, timestamp: t },
          );
          for (const i of held)
            if (!entries.some((e) => e.id === i.key && !e.deleted))
              entries.push({ id: i.key, kind: 'image', timestamp: t, md5: i.value });
          fake.entries = entries;
        },
        failPage: (n) => fake.failOn.add(fake.requests.filter((q) => q.startsWith('/v2/entries')).length + n),
        recover: () => {},
        close: () => fake.close(),
      };
    },
  },
  {
    name: 'ThreatExchange',
    pageSize: PAGE,
    async open(clock) {
      const token = '1234567890|fixture-app-token-abcdefgh';
      const fake = await startFakeThreatExchange({ token, privacyGroup: '4321', indicators: [] });
      return {
        type: 'threatexchange',
        config: { base_url: fake.base, access_token: token, privacy_group: '4321', page_size: PAGE },
        async hold(held) {
          const t = stamp(clock);
          const next: FakeIndicator[] = [];
          for (const d of fake.indicators) {
            // A withdrawn indicator comes back as should_delete, updated at the time of withdrawal.
            if (!d.should_delete && !held.some((i) => i.key === d.id))
              next.push({ ...d, should_delete: true, last_updated: t });
            else next.push(d);
          }
          for (const i of held)
            if (!next.some((d) => d.id === i.key && !d.should_delete))
              next.push({
                id: i.key,
                indicator: i.value,
                type: 'HASH_MD5',
                last_updated: t,
                descriptors: [{ owner: '1001', tags: ['fixture'] }],
              });
          fake.indicators = next;
        },
        failPage: (n) => fake.failOn.add(fake.requests.length + n),
        recover: () => {},
        close: () => fake.close(),
      };
    },
  },
];

const asJson = (cp: unknown): unknown => JSON.parse(JSON.stringify(cp ?? null)); // as the runner stores it
const added = (pages: Page[]) =>
  pages
    .flatMap((p) => p.updates)
    .filter((u) => !u.deleted)
    .map((u) => u.value!);

async function collect(f: Fetcher, checkpoint: unknown): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const p of f.fetch(checkpoint, new AbortController().signal))
    pages.push({ ...p, checkpoint: asJson(p.checkpoint) });
  return pages;
}

for (const [dialect, impl] of DIALECTS.flatMap((d) => IMPLS.map((i) => [d, i] as const))) {
  describe(`exchange fetcher conformance: ${impl.name} (runner on ${dialect})`, () => {
    const clock = new TestClock();
    let t: TestDb;
    let cfg: Config;
    let source: Source;
    let n = 0;
    const env = (): FetchEnv => ({ allowPrivate: true, maxBytes: 1 << 20, timeoutMs: 10_000, now: () => clock.now() });
    const fetcher = () => fetchers[source.type](parseConfig(source.type, source.config) as never, env());
    /** A new exchange (and bank) over the source; the runner as the service runs it. */
    const exchange = async () => {
      const name = `X${++n}`;
      await createExchange(t.db.kysely, { name, type: source.type, config: source.config }, 'test', clock);
      return { name, run: () => runExchange(t.db.kysely, name, { cfg, clock, owner: 'test' }) };
    };
    const bank = async (name: string) =>
      (
        await t.db.kysely
          .selectFrom('bank_entries')
          .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
          .select('value')
          .where('banks.name', '=', name)
          .execute()
      )
        .map((r) => r.value)
        .sort();
    const stored = async (name: string) =>
      t.db.kysely
        .selectFrom('exchanges')
        .select(['checkpoint', 'last_status', 'last_error'])
        .where('name', '=', name)
        .executeTakeFirstOrThrow();

    before(async () => {
      t = await openTestDb(dialect);
      const base = testConfig(t);
      cfg = { ...base, exchanges: { ...base.exchanges, enabled: false, allowPrivateTargets: true } };
      source = await impl.open(clock);
    });
    after(async () => {
      await source.close();
      await t.cleanup();
    });

    // First, while the source has never held anything (withdrawn items stay in a feed's history).
    it('an empty source ends cleanly', async () => {
      const pages = await collect(fetcher(), null);
      assert.ok(pages.length <= 1);
      assert.deepEqual(
        pages.flatMap((p) => p.updates),
        [],
      );
      const r = await (await exchange()).run();
      assert.deepEqual([r.status, r.added, r.removed, r.invalid], ['ok', 0, 0, 0], r.error);
    });

    it('pages in order, each with a checkpoint; resuming from any checkpoint yields exactly the rest', async () => {
      const held = items(1, 2, 3, 4, 5);
      await source.hold(held);
      const pages = await collect(fetcher(), null);
      assert.equal(pages.length, impl.pageSize ? Math.ceil(held.length / impl.pageSize) : 1);
      assert.deepEqual(added(pages).sort(), held.map((i) => i.value).sort(), 'every item once');
      for (const [k, p] of pages.entries()) {
        assert.notEqual(p.checkpoint, null, `page ${k + 1} has a checkpoint`);
        if (k) assert.notDeepEqual(p.checkpoint, pages[k - 1]!.checkpoint, `page ${k + 1} moves the checkpoint`);
      }
      for (let k = 0; k < pages.length; k++) {
        const rest = await collect(fetcher(), pages[k]!.checkpoint);
        const want = pages.slice(k + 1).flatMap((p) => p.updates);
        assert.deepEqual(
          rest.flatMap((p) => p.updates),
          want,
          `resumed after page ${k + 1}`,
        );
      }
    });

    it('a failed page leaves the stored checkpoint at the last committed page and reports the error; the next run loses and repeats nothing', async () => {
      const held = items(11, 12, 13, 14, 15);
      await source.hold(held);
      const pages = await collect(fetcher(), null);
      const failing = impl.pageSize ? 2 : 1;
      const x = await exchange();
      source.failPage(failing);
      const r1 = await x.run();
      source.recover();
      assert.deepEqual([r1.status, r1.pages], ['error', failing - 1]);
      assert.match(r1.error!, /HTTP 500|cannot read/);
      const s = await stored(x.name);
      assert.deepEqual([s.last_status, s.last_error], ['error', r1.error]);
      assert.deepEqual(
        s.checkpoint === null ? null : JSON.parse(s.checkpoint),
        failing > 1 ? pages[failing - 2]!.checkpoint : null,
      );
      assert.deepEqual(await bank(x.name), added(pages.slice(0, failing - 1)).sort());
      const r2 = await x.run();
      assert.deepEqual([r2.status, r2.pages], ['ok', pages.length - (failing - 1)], r2.error);
      assert.equal(r1.added + r2.added, held.length, 'each item added once');
      assert.deepEqual(await bank(x.name), held.map((i) => i.value).sort());
    });

    it('an item the source withdraws comes through as a removal', async () => {
      await source.hold(items(21, 22, 23));
      const x = await exchange();
      assert.equal((await x.run()).added, 3);
      await source.hold(items(21, 23, 24));
      const cp = (await stored(x.name)).checkpoint;
      const pages = await collect(fetcher(), cp && JSON.parse(cp));
      const updates = pages.flatMap((p) => p.updates);
      if (impl.pageSize) {
        const gone = updates.filter((u): u is Update & { deleted: true } => !!u.deleted);
        assert.equal(gone.length, 1, JSON.stringify(updates));
        assert.ok(gone[0]!.value === md5(22) || gone[0]!.external_id?.endsWith('k22'), JSON.stringify(gone));
      } else {
        assert.deepEqual([pages.length, pages[0]!.replaceAll], [1, true], 'a list replaces the previous one');
        assert.deepEqual(added(pages).sort(), [md5(21), md5(23), md5(24)].sort());
      }
      const r = await x.run();
      assert.deepEqual([r.status, r.added, r.removed], ['ok', 1, 1], r.error);
      assert.deepEqual(await bank(x.name), [md5(21), md5(23), md5(24)].sort());
    });

    it(
      impl.pageSize
        ? 'an invalid hash is counted and skipped'
        : 'an invalid hash rejects the whole list, which changes nothing',
      async () => {
        await source.hold(items(31, 32));
        const x = await exchange();
        assert.equal((await x.run()).added, 2);
        await source.hold([...items(31, 32, 33), INVALID]);
        const r = await x.run();
        if (impl.pageSize) {
          assert.deepEqual([r.status, r.added, r.invalid], ['ok', 1, 1], r.error);
          assert.deepEqual(await bank(x.name), [md5(31), md5(32), md5(33)].sort());
        } else {
          assert.equal(r.status, 'error');
          assert.match(r.error!, /not a md5 hash.*not-an-md5/);
          assert.deepEqual(
            [(await stored(x.name)).last_status, await bank(x.name)],
            ['error', [md5(31), md5(32)].sort()],
          );
        }
      },
    );
  });
}
