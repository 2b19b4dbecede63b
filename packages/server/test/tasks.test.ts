import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTask } from '../src/review/task-store.ts';
import { testApp, staffSession, type TestApp, type StaffSession } from './helpers.ts';

describe('review task claims and decisions', () => {
  let ta: TestApp;
  let a: StaffSession;
  let b: StaffSession;
  let taskId = 0;
  before(async () => {
    ta = await testApp('sqlite');
    a = await staffSession(ta, 'reviewer');
    b = await staffSession(ta, 'reviewer');
    taskId = await openTask(
      ta.ctx.db.kysely,
      { platform: 'default', subjectType: 'group', subjectId: 'g-1', queue: 'groups', priority: 80, reason: 'r' },
      ta.clock,
    );
  });
  after(async () => ta.close());

  const post = (s: StaffSession, path: string, payload?: object) =>
    ta.app.inject({
      method: 'POST',
      url: `/v1/tasks/${taskId}/${path}`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: payload ?? {},
    });

  it('locks a task to one reviewer until the claim expires', async () => {
    assert.equal((await post(a, 'claim')).statusCode, 200);
    const other = await post(b, 'claim');
    assert.equal(other.statusCode, 409);
    assert.match(other.json().error.message, /is being reviewed by reviewer-/);
    assert.equal(
      (await post(b, 'decision', { decision: 'not_violating', reason: 'x' })).statusCode,
      409,
      'no decision without the claim',
    );
    ta.clock.advance(16 * 60_000);
    assert.equal((await post(b, 'claim')).statusCode, 200, 'an expired claim can be taken over');
    assert.equal((await post(a, 'decision', { decision: 'not_violating', reason: 'x' })).statusCode, 409);
  });

  it('closes the task with a decision, audited', async () => {
    const bad = await post(b, 'decision', { decision: 'maybe', reason: 'x' });
    assert.equal(bad.statusCode, 400);
    const ok = await post(b, 'decision', {
      decision: 'not_violating',
      reason: 'group about hiking',
      note: 'checked members',
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(
      (await post(b, 'decision', { decision: 'not_violating', reason: 'again' })).statusCode,
      409,
      'a closed task stays closed',
    );
    const t = await ta.ctx.db.kysely
      .selectFrom('case_items')
      .selectAll()
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    assert.equal(t.status, 'closed');
    const audit = await ta.ctx.db.kysely
      .selectFrom('audit_log')
      .select(['action', 'actor', 'reason'])
      .where('action', 'like', 'case.%')
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      audit.map((x) => x.action),
      ['case.claim', 'case.claim', 'case.decide'],
    );
    assert.equal(audit[2]!.actor, `staff:${b.id}`);
    assert.equal(audit[2]!.reason, 'group about hiking');
  });
});
