// Private matching end to end with the reference messenger: the operator lists our own generated
// images, builds a signed table; a client in a large group sends listed and unlisted images with
// vouchers. Below the threshold nothing opens; at `t` a review task appears with exactly the listed
// attachments, which a reviewer can decrypt (audited); other media stays unreadable to the server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { DIALECTS, testApp, staffSession, type TestApp } from './helpers.ts';
import { messenger, runJobs, type Messenger } from './relay-helpers.ts';
import { ensureDefaultRules } from '../src/detect/rules-store.ts';
import { addEntries, createBank } from '../src/media/banks.ts';

/** A small generated PNG: a coloured square with a circle (no photographs, no people). */
async function image(i: number): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="rgb(${(i * 53) % 256},${(i * 97) % 256},${(i * 151) % 256})"/><circle cx="${16 + i * 4}" cy="32" r="12" fill="white"/></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

for (const dialect of DIALECTS) {
  describe(`private matching end to end (${dialect})`, () => {
    let ta: TestApp;
    let m: Messenger;
    let base = '';
    const work = () => runJobs(ta);
    const user = (name: string) => m.user(name);

    before(async () => {
      ta = await testApp(dialect, {
        psi: {
          scope: 'large_groups',
          largeGroupMembers: 4,
          mode: 'exact',
          threshold: 3,
          minBanks: 1,
          syntheticProbability: 0,
          capacity: 0,
        },
      });
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      m = await messenger(ta);
      base = m.base;
    });
    after(async () => ta.close());

    it(
      'opens exactly the listed attachments once the threshold is reached, and nothing before',
      { timeout: 180_000 },
      async () => {
        const listed = await Promise.all([1, 2, 3, 4].map(image));
        const unlisted = await Promise.all([11, 12].map(image));
        await createBank(ta.ctx.db.kysely, { name: 'test-list', kind: 'block' }, 'test', ta.clock);
        await addEntries(
          ta.ctx.db.kysely,
          'test-list',
          listed.map((b) => ({ signal_type: 'sha256' as const, value: sha(b) })),
          'test',
          ta.clock,
        );
        const admin = await staffSession(ta, 'admin');
        const built = await ta.app.inject({
          method: 'POST',
          url: '/v1/psi/tables',
          headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        });
        assert.equal(built.statusCode, 201, built.body);
        assert.equal(built.json().listed, 4);
        const published = (await (await fetch(`${m.serverUrl}/v1/psi/tables`)).json()) as {
          tables: { version: number; root: string }[];
          signing_public_key: string;
        };
        assert.equal(published.tables[0]!.root, built.json().root, 'the root is public');

        const [alice, bob, carol, dave] = [
          await user('alice_pm'),
          await user('bob_pm'),
          await user('carol_pm'),
          await user('dave_pm'),
        ];
        await assert.rejects(
          alice.t.privateMatching(),
          /threshold 3 is below the minimum this client accepts \(10\)/,
          'a client refuses a low t by default',
        );
        const { matching, signingPublicKey } = await alice.t.privateMatching({ minThreshold: 3 });
        assert.equal(Buffer.from(signingPublicKey).toString('base64'), published.signing_public_key);
        alice.c.setPrivateMatching(matching);
        // A pinned key that is not the relay's: the client refuses the table.
        await assert.rejects(
          bob.t.privateMatching({ pinnedKey: new Uint8Array(32).fill(7), minThreshold: 3 }),
          /different private-matching signing key/,
        );

        const group = await alice.c.createConversation([bob.t.userId, carol.t.userId, dave.t.userId]); // 4 members: large here
        const oneToOne = await alice.c.createConversation([bob.t.userId]); // 2 members: out of scope
        for (const u of [bob, carol, dave]) await u.c.sync();
        const png = (bytes: Uint8Array) => ({ bytes, mime: 'image/png' });
        await alice.c.send(oneToOne, 'no voucher here', [png(listed[3]!)]);
        await alice.c.send(group, 'holiday', [png(unlisted[0]!)]);
        await alice.c.send(group, 'two', [png(listed[0]!), png(listed[1]!)]);
        await work();
        const vouchers = await ta.ctx.db.kysely
          .selectFrom('events')
          .select('id')
          .where('type', '=', 'voucher.submitted')
          .execute();
        assert.equal(vouchers.length, 3, 'one voucher per attachment sent into the large group, none for the 1:1');
        assert.equal(
          (await ta.ctx.db.kysely.selectFrom('psi_matches').select('id').execute()).length,
          2,
          'two vouchers matched',
        );
        assert.equal(
          (await ta.ctx.db.kysely.selectFrom('psi_openings').select('id').execute()).length,
          0,
          'below the threshold nothing opens',
        );
        assert.equal(
          (
            await ta.ctx.db.kysely
              .selectFrom('case_items')
              .select('id')
              .where('subject_id', '=', alice.t.userId)
              .execute()
          ).length,
          0,
        );

        await alice.c.send(group, 'three', [png(unlisted[1]!), png(listed[2]!)]);
        await work();
        const openings = await ta.ctx.db.kysely.selectFrom('psi_openings').selectAll().orderBy('id').execute();
        assert.deepEqual(
          openings.map((o) => o.sha256).sort(),
          listed.slice(0, 3).map(sha).sort(),
          'exactly the three listed attachments',
        );
        assert.ok(openings.every((o) => o.account_id === alice.t.userId && o.conversation_id === group));
        const sig = await ta.ctx.db.kysely
          .selectFrom('signals')
          .select(['kind', 'evidence'])
          .where('kind', '=', 'voucher.match')
          .execute();
        assert.equal(sig.length, 1);
        const task = await ta.ctx.db.kysely
          .selectFrom('case_items')
          .selectAll()
          .where('subject_id', '=', alice.t.userId)
          .executeTakeFirstOrThrow();
        assert.equal(task.queue, 'known-media');

        // A reviewer opens each: the bytes are the image alice sent; each view is audited.
        const reviewer = await staffSession(ta, 'reviewer');
        const list = await ta.app.inject({
          method: 'GET',
          url: `/v1/psi/openings?platform=default&account_id=${alice.t.userId}`,
          headers: { cookie: reviewer.cookie },
        });
        assert.equal(list.json().openings.length, 3);
        for (const o of list.json().openings as { id: number; sha256: string }[]) {
          const r = await ta.app.inject({
            method: 'GET',
            url: `/v1/psi/openings/${o.id}/content?task_id=${task.id}`,
            headers: { cookie: reviewer.cookie },
          });
          assert.equal(r.statusCode, 200, r.body);
          assert.equal(sha(r.rawPayload), o.sha256);
          assert.equal(r.headers['content-type'], 'image/png', 'typed from its bytes, so the console shows it');
        }
        const audits = await ta.ctx.db.kysely
          .selectFrom('audit_log')
          .select('action')
          .where('action', 'in', ['vault.access', 'evidence.view'])
          .execute();
        assert.equal(audits.filter((a) => a.action === 'evidence.view').length, 3);
        assert.equal(audits.filter((a) => a.action === 'vault.access').length, 3);

        // The unlisted images: no match row, nothing sealed, nothing the server can open.
        const unlistedBlobs = new Set(unlisted.map(sha));
        assert.ok(!openings.some((o) => unlistedBlobs.has(o.sha256)));
        const vaulted = await ta.ctx.db.kysely.selectFrom('vault_items').select('label').execute();
        assert.equal(vaulted.filter((v) => v.label.startsWith('psi-voucher:')).length, 3);
      },
    );

    it('rejects a tampered voucher with a signal and a voucher for an unknown table; refuses vouchers when off', async () => {
      const eve = await user('eve_pm');
      const bad = Buffer.from('VPSI not a voucher at all').toString('base64');
      const post = (vs: unknown) =>
        fetch(`${base}/relay/v1/vouchers`, {
          method: 'POST',
          headers: { authorization: `Bearer ${eve.t.deviceToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ vouchers: vs }),
        });
      const accepted = await post([
        { conversation_id: 'c', blob_id: 'b', table_version: 1, voucher: bad },
        {
          conversation_id: 'c',
          blob_id: 'b2',
          table_version: 99,
          voucher: Buffer.from('VPSI another bad one').toString('base64'),
        },
      ]);
      assert.equal(accepted.status, 202, await accepted.clone().text());
      await work();
      const sigs = await ta.ctx.db.kysely
        .selectFrom('signals')
        .select('summary')
        .where('kind', '=', 'voucher.invalid')
        .where('subject_id', '=', eve.t.userId)
        .execute();
      assert.equal(sigs.length, 2);
      assert.ok(
        sigs.some((s) => /bad-encoding|bad-version|tampered|wrong-table/.test(s.summary)),
        sigs.map((s) => s.summary).join('; '),
      );
      assert.ok(sigs.some((s) => /no table version 99/.test(s.summary)));
      assert.equal(
        (await post([{ conversation_id: 'c', blob_id: 'b', table_version: 1, voucher: '!!' }])).status,
        400,
        'not base64',
      );
      ta.ctx.cfg.psi.scope = 'off';
      try {
        assert.equal(
          (await post([{ conversation_id: 'c', blob_id: 'b', table_version: 1, voucher: bad }])).status,
          409,
        );
        const { matching } = await eve.t.privateMatching();
        assert.equal(matching.table, null, 'no table is handed out when matching is off');
        assert.equal(matching.applies(10_000, true), false);
      } finally {
        ta.ctx.cfg.psi.scope = 'large_groups';
      }
    });
  });
}
