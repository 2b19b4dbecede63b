// A group of 500 members end to end through the in-process relay (real MLS, franking, source
// stamps). All 500 are in the MLS tree with their own key packages; a sample of 14 clients spread
// over the tree (first, last, middle, every 40th) processes every Welcome, commit and message — a
// client's cost grows with the group, so all 500 doing so would take over an hour on two cores (see
// bench/relay.bench.ts for per-member costs). Removed members cannot read what follows, even with
// the keys they held before their removal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VigilClient } from '../src/index.ts';
import { world } from './world.ts';

const N = 500;

describe('a group of 500', () => {
  it('sampled members read every message; removed members cannot read later ones', { timeout: 600_000 }, async () => {
    const w = world();
    const clients: VigilClient[] = [];
    for (let i = 0; i < N; i++) clients.push(await w.client(`m${String(i).padStart(3, '0')}`, 1));
    const owner = clients[0]!;
    const g = await owner.createConversation(clients.slice(1).map((c) => c.userId)); // one commit, 499 added
    const sample = clients.filter((_, i) => i === 0 || i === N - 1 || i === 250 || i % 40 === 7);
    for (const c of sample) if (c !== owner) await c.sync();
    for (const c of sample) assert.equal(c.members(g).length, N, c.userId);
    assert.equal(new Set(sample.map((c) => c.epoch(g))).size, 1, 'one epoch for all');

    const speakers = [owner, clients[250]!, clients[N - 1]!];
    for (const s of speakers) await s.send(g, `hello from ${s.userId}`);
    for (const c of sample) {
      const expected = speakers.filter((s) => s !== c).map((s) => `hello from ${s.userId}`);
      assert.deepEqual(
        (await c.sync()).map((m) => m.body),
        expected,
        c.userId,
      );
      assert.equal(c.dropped.length, 0, `${c.userId} dropped ${JSON.stringify(c.dropped[0])}`);
    }

    // Three sampled members are removed, by two different members; they keep a copy of their old state.
    const removed = [clients[47]!, clients[287]!, clients[447]!];
    const before = removed.map((r) => r.exportState());
    await owner.removeMember(g, removed[0]!.userId);
    for (const c of sample) await c.sync();
    await clients[250]!.removeMember(g, removed[1]!.userId);
    for (const c of sample) await c.sync();
    await owner.removeMember(g, removed[2]!.userId);
    for (const c of sample) await c.sync();
    const stay = sample.filter((c) => !removed.includes(c));
    for (const c of stay) assert.equal(c.members(g).length, N - removed.length, c.userId);
    for (const r of removed) assert.ok(!r.conversationIds().includes(g), `${r.userId} knows it is out`);

    await clients[N - 1]!.send(g, 'after the removals');
    const ciphertext = w.relay.seen.at(-1)!;
    for (const c of stay)
      if (c !== clients[N - 1])
        assert.deepEqual(
          (await c.sync()).map((m) => m.body),
          ['after the removals'],
          c.userId,
        );
    // A relay that hands the new ciphertext (properly stamped) to the removed members' old states: unreadable.
    for (const [i, r] of removed.entries()) {
      const old = VigilClient.importState(before[i]!, w.relay, { relaySourcePublicKey: w.sourcePublicKey, now: w.now });
      await w.relay.send({
        id: `replay-${i}`,
        conversationId: g,
        kind: 'application',
        from: clients[N - 1]!.userId,
        to: [r.userId],
        data: ciphertext,
      });
      const got = await old.sync();
      assert.ok(!got.some((m) => m.body === 'after the removals'), r.userId);
      assert.ok(
        old.dropped.some((d) => d.envelopeId === `replay-${i}`),
        `${r.userId}: the old epoch's keys do not open it`,
      );
    }
  });
});
