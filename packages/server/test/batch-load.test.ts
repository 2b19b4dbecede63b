// Set-based reads for batched analysis (detect/batch-load.ts) give each subject exactly what the one-subject reads
// give (subject.ts subjectContext, signals.ts subjectSignals): subjects of several types and platforms in one
// statement, enforcement history and strikes, signals in id order, and parts cut at the size limit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, openTestDb, type TestDb } from './helpers.ts';
import {
  loadSubjectContexts,
  loadSubjectSignals,
  partsByPlatform,
  subjectKey,
  type Subject,
} from '../src/detect/batch-load.ts';
import { subjectContext } from '../src/detect/subject.ts';
import { subjectSignals } from '../src/detect/signals.ts';

const NOW = new Date('2026-11-20T12:00:00Z');

describe('partsByPlatform', () => {
  it('groups ids by platform and type, at most `size` ids a part', () => {
    const subjects: Subject[] = [
      ...['a1', 'a2', 'a3'].map((id) => ({ platform: 'p', type: 'account', id })),
      { platform: 'p', type: 'group', id: 'g1' },
      { platform: 'q', type: 'account', id: 'a1' },
      { platform: 'p', type: 'account', id: 'a1' }, // twice: read once
    ];
    assert.deepEqual(partsByPlatform(subjects, 2), [
      { platform: 'p', types: [{ type: 'account', ids: ['a1', 'a2'] }] },
      {
        platform: 'p',
        types: [
          { type: 'account', ids: ['a3'] },
          { type: 'group', ids: ['g1'] },
        ],
      },
      { platform: 'q', types: [{ type: 'account', ids: ['a1'] }] },
    ]);
  });
});

for (const dialect of DIALECTS) {
  describe(`batch loads match one-subject loads (${dialect})`, () => {
    let t: TestDb;
    before(async () => {
      t = await openTestDb(dialect);
    });
    after(async () => t.cleanup());

    it('subjects as rules see them, and their signals', async () => {
      const db = t.db.kysely;
      const at = NOW.toISOString();
      await db
        .insertInto('accounts')
        .values([
          {
            platform: 'p',
            id: 'a1',
            username: 'one',
            display_name: 'One',
            bio: 'b',
            avatar: JSON.stringify({ pdq: 'f'.repeat(64), sha256: 'a'.repeat(64) }),
            created_at: '2026-11-01T00:00:00Z',
            first_seen_at: at,
            updated_at: at,
            event_count: 3,
          },
          {
            platform: 'q',
            id: 'a1',
            username: 'other platform',
            first_seen_at: '2026-11-18T00:00:00Z',
            updated_at: at,
            event_count: 1,
          },
        ] as never)
        .execute();
      await db
        .insertInto('groups')
        .values({
          platform: 'p',
          id: 'g1',
          name: 'G',
          description: 'd',
          invite_link: 'https://chat.example/j/g1',
          member_count: 12,
          first_seen_at: '2026-11-10T00:00:00Z',
          updated_at: at,
          event_count: 2,
        } as never)
        .execute();
      const action = (subject_type: string, subject_id: string, status: string, platform = 'p') => ({
        platform,
        subject_type,
        subject_id,
        action: 'hide_avatar',
        params: '{}',
        status,
        reason: 'r',
        task_id: null,
        decided_by: 1,
        approved_by: null,
        created_at: at,
        expires_at: null,
        reversed_at: null,
        reversed_by: null,
      });
      // Enforcement on both types and both platforms; the same id on another platform or type must not leak over.
      await db
        .insertInto('enforcement_actions')
        .values([
          action('account', 'a1', 'active'),
          action('account', 'a1', 'reversed'),
          action('account', 'a1', 'expired'),
          action('group', 'g1', 'active'),
          action('group', 'a1', 'active'),
          action('account', 'a1', 'active', 'q'),
          action('group', 'nobody', 'active'),
        ] as never)
        .execute();
      await db
        .insertInto('strikes')
        .values(
          [1, 2].map((n) => ({ platform: 'p', account_id: 'a1', action_id: n, reason: 'r', created_at: at })) as never,
        )
        .execute();
      let n = 0;
      const signal = (platform: string, subject_type: string, subject_id: string, kind: string) => ({
        platform,
        subject_type,
        subject_id,
        kind,
        severity: 2,
        summary: `s${n}`,
        evidence: JSON.stringify({ n, surface: 'username' }),
        event_id: 100 + n,
        dedupe_key: `k${n++}`,
        created_at: at,
      });
      await db
        .insertInto('signals')
        .values([
          signal('p', 'account', 'a1', 'text.term'),
          signal('p', 'group', 'g1', 'text.term'),
          signal('p', 'group', 'a1', 'x'),
          signal('p', 'account', 'a1', 'report.user'),
          signal('q', 'account', 'a1', 'external.match'),
          signal('p', 'media', 'm1', 'media.match'),
          signal('p', 'account', 'g1', 'x'), // an id asked for under another type only
        ] as never)
        .execute();

      const subjects: Subject[] = [
        { platform: 'p', type: 'account', id: 'a1' },
        { platform: 'p', type: 'group', id: 'g1' },
        { platform: 'p', type: 'group', id: 'a1' },
        { platform: 'q', type: 'account', id: 'a1' },
        { platform: 'p', type: 'media', id: 'm1' },
        { platform: 'p', type: 'account', id: 'nobody' },
      ];
      const contexts = await loadSubjectContexts(db, subjects, NOW);
      const signals = await loadSubjectSignals(db, subjects);
      for (const s of subjects) {
        const k = subjectKey(s.platform, s.type, s.id);
        assert.deepEqual(contexts.get(k), await subjectContext(db, s.platform, s.type, s.id, NOW), `context of ${k}`);
        assert.deepEqual(
          (signals.get(k) ?? []).map((x) => x.view),
          await subjectSignals(db, s.platform, s.type, s.id),
          `signals of ${k}`,
        );
      }
      const keys = (xs: Subject[]) => xs.map((s) => subjectKey(s.platform, s.type, s.id)).sort();
      assert.deepEqual(
        [...signals.keys()].sort(),
        keys(subjects.filter((s) => s.id !== 'nobody')),
        'signals of the subjects asked for, and no others',
      );
      // The data above reaches every field that differs between subjects (so the comparison is not of defaults).
      const a1 = contexts.get(subjectKey('p', 'account', 'a1'))!;
      assert.deepEqual([a1.prior_actions, a1.active_actions, a1.strikes, a1.event_count], [2, 1, 2, 3]);
      assert.equal(contexts.get(subjectKey('p', 'group', 'g1'))!.active_actions, 1);
      assert.equal(contexts.get(subjectKey('q', 'account', 'a1'))!.active_actions, 1);
      assert.deepEqual(
        signals.get(subjectKey('p', 'account', 'a1'))!.map((x) => x.view.kind),
        ['text.term', 'report.user'],
      );
    });
  });
}
