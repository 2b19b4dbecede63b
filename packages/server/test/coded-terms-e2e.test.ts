// The detection promise end to end, through the HTTP API and the worker: a group advertising with
// coded terms and a public invite link, and an account whose avatar is a listed image, both become
// explained review tasks; "CP Rail fans" does not.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, testApp, staffSession, apiKey, silentLog, type TestApp, type StaffSession } from './helpers.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { ensureDefaultRules } from '../src/detect/rules-store.ts';
import { ensureDefaultTermList } from '../src/detect/term-lists.ts';
import { addEntries, createBank } from '../src/media/banks.ts';

const LISTED = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';

for (const dialect of DIALECTS) {
  describe(`coded terms and listed avatars end to end (${dialect})`, () => {
    let ta: TestApp;
    let lead: StaffSession;
    before(async () => {
      ta = await testApp(dialect);
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      await ensureDefaultTermList(ta.ctx.db.kysely, ta.clock);
      await createBank(ta.ctx.db.kysely, { name: 'KNOWN_TEST', kind: 'block' }, 'test', ta.clock);
      await addEntries(
        ta.ctx.db.kysely,
        'KNOWN_TEST',
        [{ signal_type: 'pdq', value: LISTED, source: 'test-fixture' }],
        'test',
        ta.clock,
      );
      lead = await staffSession(ta, 'lead');
      const key = await apiKey(ta, ['ingest']);
      const at = '2026-11-20T10:00:00Z';
      const res = await ta.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${key}` },
        payload: {
          events: [
            {
              id: 'e1',
              type: 'group.created',
              occurred_at: at,
              group: {
                id: 'g-bad',
                name: 'c.p trade 🔞 links',
                member_count: 40,
                invite_link: 'https://chat.example/join/aa1',
              },
            },
            {
              id: 'e2',
              type: 'group.created',
              occurred_at: at,
              group: {
                id: 'g-rail',
                name: 'CP Rail fans',
                member_count: 900,
                invite_link: 'https://chat.example/join/rail',
              },
            },
            {
              id: 'e3',
              type: 'account.created',
              occurred_at: at,
              account: { id: 'u-av', username: 'sunny_day', avatar: { pdq: LISTED } },
            },
            {
              id: 'e4',
              type: 'account.created',
              occurred_at: at,
              account: { id: 'u-ok', username: 'cpp_dev_anna', bio: 'cpp developers meetup, links to talks' },
            },
          ],
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
    });
    after(async () => ta.close());

    const get = (url: string) =>
      ta.app.inject({ method: 'GET', url, headers: { cookie: lead.cookie } }).then((r) => r.json());

    it('opens an explained group task for coded terms with a public invite link', async () => {
      const tasks = (await get('/v1/tasks')).tasks as {
        id: number;
        subject_id: string;
        queue: string;
        verdicts: { rule_id: number }[];
      }[];
      const t = tasks.find((x) => x.subject_id === 'g-bad');
      assert.ok(t, JSON.stringify(tasks.map((x) => x.subject_id)));
      assert.equal(t.queue, 'groups');
      const detail = await get(`/v1/tasks/${t.id}`);
      assert.ok(detail.rules.some((r: { name: string }) => r.name === 'coded-terms-public-group'));
      const s = (await get('/v1/signals?subject_type=group&subject_id=g-bad')).signals.find(
        (x: { kind: string }) => x.kind === 'text.term',
      );
      assert.equal(s.evidence.term, 'cp');
      assert.equal(s.evidence.surface, 'group_name');
      assert.equal(s.evidence.original, 'c.p');
      assert.deepEqual(s.evidence.span, { start: 0, end: 3 });
      assert.equal(s.evidence.normalised, 'cp');
      assert.ok(s.evidence.steps.includes('separators'));
      assert.deepEqual(
        s.evidence.context.map((c: { term: string }) => c.term),
        ['trade', 'links'],
      );
    });

    it('opens a top-priority task for the listed avatar', async () => {
      const t = (await get('/v1/tasks?queue=known-media')).tasks;
      assert.deepEqual(
        t.map((x: { subject_id: string }) => x.subject_id),
        ['u-av'],
      );
    });

    it('leaves "CP Rail fans" and a cpp developer alone', async () => {
      const ids = (await get('/v1/tasks')).tasks.map((x: { subject_id: string }) => x.subject_id);
      assert.ok(!ids.includes('g-rail'));
      assert.ok(!ids.includes('u-ok'));
      assert.equal((await get('/v1/signals?subject_type=group&subject_id=g-rail')).signals.length, 0);
    });

    it('versions and audits term list changes, refusing invalid lists', async () => {
      const h = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
      const list = await get('/v1/term-list');
      assert.equal(list.version, 1);
      const bad = await ta.app.inject({
        method: 'PUT',
        url: '/v1/term-list',
        headers: h,
        payload: { ...list, terms: [{ term: 'x', kind: 'weird', category: 'c', weight: 1 }] },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /terms\.0\.kind/);
      const ok = await ta.app.inject({
        method: 'PUT',
        url: '/v1/term-list',
        headers: h,
        payload: {
          ...list,
          terms: [...list.terms, { term: 'example-coded', kind: 'coded', category: 'test', weight: 1 }],
        },
      });
      assert.deepEqual(ok.json(), { version: 2, terms: list.terms.length + 1 });
      assert.deepEqual(
        (await get('/v1/term-list/versions')).versions.map((v: { version: number }) => v.version),
        [2, 1],
      );
      const audit = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select('subject_id')
        .where('action', '=', 'term_list.save')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        audit.map((a) => a.subject_id),
        ['1', '2'],
      );
    });
  });
}
