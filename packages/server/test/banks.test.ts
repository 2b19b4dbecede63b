// Hash banks through the API, and media matching in the detection pipeline.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, testApp, staffSession, silentLog, type TestApp, type StaffSession } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { ensureDefaultRules, saveRule } from '../src/detect/rules-store.ts';

/** Flips `bits` distinct bits of a 64-hex-digit hash. */
function flip(hex: string, bits: number[]): string {
  const b = Buffer.from(hex, 'hex');
  for (const i of bits) b[i >> 3]! ^= 1 << (i & 7);
  return b.toString('hex');
}
const LISTED = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const OTHER = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

for (const dialect of DIALECTS) {
  describe(`hash banks (${dialect})`, () => {
    let ta: TestApp;
    let lead: StaffSession;
    let h: Record<string, string>;
    before(async () => {
      ta = await testApp(dialect);
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      lead = await staffSession(ta, 'lead');
      h = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
    });
    after(async () => ta.close());

    it('creates banks and imports entries all-or-nothing', async () => {
      assert.equal(
        (
          await ta.app.inject({
            method: 'POST',
            url: '/v1/banks',
            headers: h,
            payload: { name: 'KNOWN_TEST', kind: 'block' },
          })
        ).statusCode,
        201,
      );
      assert.equal(
        (await ta.app.inject({ method: 'POST', url: '/v1/banks', headers: h, payload: { name: 'KNOWN_TEST' } }))
          .statusCode,
        409,
      );
      const bad = await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/KNOWN_TEST/entries?signal_type=pdq',
        headers: { ...h, 'content-type': 'text/plain' },
        payload: `${LISTED}\nnot-a-hash\n`,
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /entry 2/);
      const ok = await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/KNOWN_TEST/entries?signal_type=pdq&source=test-fixture',
        headers: { ...h, 'content-type': 'text/plain' },
        payload: `# our own benign test hashes\n${LISTED}\n${LISTED.toUpperCase()}\n`,
      });
      assert.deepEqual(ok.json(), { added: 1, duplicates: 1 });
      const md5 = await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/KNOWN_TEST/entries',
        headers: h,
        payload: {
          entries: [
            { signal_type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', external_id: 'ext-9', tags: ['test'] },
          ],
        },
      });
      assert.deepEqual(md5.json(), { added: 1, duplicates: 0 });
      const plain = await ta.app.inject({
        method: 'GET',
        url: '/v1/banks/KNOWN_TEST/entries?format=plain',
        headers: { cookie: lead.cookie },
      });
      assert.equal(plain.body, `${LISTED}\nd41d8cd98f00b204e9800998ecf8427e\n`);
      const list = await ta.app.inject({ method: 'GET', url: '/v1/banks', headers: { cookie: lead.cookie } });
      assert.equal(list.json().banks[0].entries, 2);
    });

    it('matches within the PDQ threshold, exactly for MD5, and allow banks suppress', async () => {
      const match = (body: object) =>
        ta.app.inject({ method: 'POST', url: '/v1/match', headers: h, payload: body }).then((r) => r.json());
      const near = await match({ pdq: flip(LISTED, [1, 50, 99, 140, 200]) });
      assert.equal(near.matches.length, 1);
      assert.equal(near.matches[0].distance, 5);
      assert.equal(near.matches[0].source, 'test-fixture');
      assert.equal(
        (
          await match({
            pdq: flip(
              LISTED,
              Array.from({ length: 32 }, (_, i) => i * 7),
            ),
          })
        ).matches.length,
        0,
        '32 bits away is no match',
      );
      assert.equal((await match({ pdq: OTHER })).matches.length, 0);
      assert.equal((await match({ md5: 'D41D8CD98F00B204E9800998ECF8427E' })).matches[0].external_id, 'ext-9');
      await ta.app.inject({ method: 'POST', url: '/v1/banks', headers: h, payload: { name: 'BENIGN', kind: 'allow' } });
      await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/BENIGN/entries',
        headers: h,
        payload: { entries: [{ signal_type: 'pdq', value: flip(LISTED, [3]) }] },
      });
      const suppressed = await match({ pdq: LISTED });
      assert.equal(suppressed.matches.length, 0);
      assert.equal(suppressed.suppressed_by_allowlist[0].bank, 'BENIGN');
      await ta.app.inject({ method: 'PATCH', url: '/v1/banks/BENIGN', headers: h, payload: { enabled: false } });
      assert.equal((await match({ pdq: LISTED })).matches.length, 1, 'a disabled bank no longer counts');
    });

    it('turns a listed avatar into a top-priority review task that explains itself', async () => {
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'av-1',
            type: 'account.created',
            occurred_at: '2026-11-20T10:00:00Z',
            account: { id: 'acc-av', username: 'sunny', avatar: { pdq: flip(LISTED, [10, 20]) } },
          },
          {
            id: 'av-2',
            type: 'account.created',
            occurred_at: '2026-11-20T10:00:00Z',
            account: { id: 'acc-ok', username: 'cloudy', avatar: { pdq: OTHER } },
          },
        ]),
        ta.clock,
      );
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
      const tasks = await ta.app.inject({
        method: 'GET',
        url: '/v1/tasks?queue=known-media',
        headers: { cookie: lead.cookie },
      });
      const t = tasks.json().tasks;
      assert.deepEqual(
        t.map((x: { subject_id: string }) => x.subject_id),
        ['acc-av'],
      );
      assert.equal(t[0].priority, 100);
      const signals = await ta.app.inject({
        method: 'GET',
        url: '/v1/signals?subject_type=account&subject_id=acc-av',
        headers: { cookie: lead.cookie },
      });
      const m = signals.json().signals.find((s: { kind: string }) => s.kind === 'media.match');
      assert.equal(m.evidence.bank, 'KNOWN_TEST');
      assert.equal(m.evidence.distance, 2);
      assert.equal(m.evidence.entry_source, 'test-fixture');
      assert.deepEqual(t[0].verdicts[0].signal_ids.includes(m.id), true, 'the verdict cites the signal');
    });

    it('applies an automatic action from a rule: hides a listed group photo, and a person confirms it', async () => {
      await ta.ctx.db.kysely
        .insertInto('webhook_endpoints')
        .values({
          url: 'https://platform.example/hooks',
          secret: 'whsec_t',
          events: 'action.requested',
          enabled: 1,
          created_at: ta.clock.now().toISOString(),
        })
        .execute();
      await saveRule(
        ta.ctx.db.kysely,
        {
          name: 'hide-listed-group-photo',
          expression:
            "subject.type == 'group' && signals.exists(s, s.kind == 'media.match' && s.surface == 'group_avatar')",
          outcome: { type: 'action', action: 'hide_group_avatar', reason: 'group photo matches a listed hash' },
        },
        'test',
        ta.clock,
      );
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'gp-1',
            type: 'group.created',
            occurred_at: '2026-11-20T11:00:00Z',
            group: { id: 'grp-photo', name: 'weekend', avatar: { pdq: flip(LISTED, [7]) } },
          },
        ]),
        ta.clock,
      );
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
      const sent = (
        await ta.ctx.db.kysely
          .selectFrom('webhook_outbox')
          .select('payload')
          .where('event_type', '=', 'action.requested')
          .execute()
      ).map((r) => JSON.parse(r.payload).data);
      assert.deepEqual(
        sent.map((x) => [x.action, x.subject.id, x.rule.name]),
        [['hide_group_avatar', 'grp-photo', 'hide-listed-group-photo']],
      );
      const tasks = await ta.app.inject({
        method: 'GET',
        url: '/v1/tasks?queue=auto-actions',
        headers: { cookie: lead.cookie },
      });
      assert.deepEqual(
        tasks.json().tasks.map((x: { subject_id: string }) => x.subject_id),
        ['grp-photo'],
      );
    });
  });
}
