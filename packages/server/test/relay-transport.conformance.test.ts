// One conformance suite for the client's RelayTransport, run against both implementations: the in-process
// MemoryRelay (tests, examples) and the reference relay over HTTP (vigil serve). What a client relies on must
// hold for both: one-time key packages before the last-resort one, in-order delivery stamped for the recipient,
// nothing delivered twice once processed, blobs that round-trip.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryRelay, VigilClient, decodeKeyPackage, isLastResort, type RelayTransport } from '@vigil/sdk';
import { testApp, type TestApp } from './helpers.ts';
import { messenger } from './relay-helpers.ts';

interface Impl {
  name: string;
  setup(): Promise<{
    user(name: string): Promise<{ c: VigilClient; t: RelayTransport; id: string }>;
    close(): Promise<void>;
  }>;
}

const IMPLS: Impl[] = [
  {
    name: 'MemoryRelay',
    async setup() {
      const { relay, sourcePublicKey } = MemoryRelay.withFreshKeys();
      return {
        async user(name) {
          const c = new VigilClient(name, relay, { relaySourcePublicKey: sourcePublicKey });
          await c.publishKeyPackages(2);
          return { c, t: relay, id: name };
        },
        close: async () => {},
      };
    },
  },
  {
    name: 'HTTP relay (vigil serve, SQLite)',
    async setup() {
      const ta: TestApp = await testApp('sqlite');
      const m = await messenger(ta);
      return {
        async user(name) {
          const u = await m.user(name, { keyPackages: 2 });
          return { c: u.c, t: u.t, id: u.t.userId };
        },
        close: () => ta.close(),
      };
    },
  },
];

for (const impl of IMPLS) {
  describe(`relay transport conformance: ${impl.name}`, () => {
    let r: Awaited<ReturnType<Impl['setup']>>;
    before(async () => {
      r = await impl.setup();
    });
    after(async () => r.close());

    it('hands out one-time key packages first, then the last-resort one, which stays', async () => {
      const owner = await r.user('kp_owner');
      const taker = await r.user('kp_taker');
      const kinds = [];
      for (let i = 0; i < 4; i++) kinds.push(isLastResort(decodeKeyPackage(await taker.t.fetchKeyPackage(owner.id))));
      assert.deepEqual(kinds, [false, false, true, true]);
      assert.deepEqual(await owner.t.keyPackageStatus!(owner.id), { oneTime: 0, lastResort: true });
      assert.equal(await owner.c.topUpKeyPackages({ force: true, min: 2, target: 3 }), 3);
      assert.deepEqual(await owner.t.keyPackageStatus!(owner.id), { oneTime: 3, lastResort: true });
    });

    it('delivers in order, stamped for the recipient, and never twice once processed', async () => {
      const a = await r.user('order_a');
      const b = await r.user('order_b');
      const chat = await a.c.createConversation([b.id]);
      await b.c.sync();
      for (const body of ['one', 'two', 'three']) await a.c.send(chat, body);
      const got = await b.c.sync();
      assert.deepEqual(
        got.map((m) => m.body),
        ['one', 'two', 'three'],
      );
      assert.ok(got.every((m) => m.context.recipientId === b.id && m.context.senderId === a.id));
      assert.deepEqual(await b.c.sync(), [], 'nothing is delivered again');
      assert.deepEqual(b.c.dropped, []);
    });

    it('stores blobs that round-trip, and refuses unknown ones', async () => {
      const u = await r.user('blob_u');
      const bytes = new TextEncoder().encode('generated test bytes');
      const id = await u.t.putBlob(bytes);
      assert.deepEqual(await u.t.getBlob(id), bytes);
      await assert.rejects(u.t.getBlob('0'.repeat(32)));
    });
  });
}
