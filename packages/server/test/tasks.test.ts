import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
    const now = ta.clock.now().toISOString();
    const row = await ta.ctx.db.kysely
      .insertInto('review_tasks')
      .values({ platform: 'default', subject_type: 'group', subject_id: 'g-1', queue: 'groups', priority: 80, reason: 'r', status: 'open', claimed_by: null, claim_expires_at: null, created_at: now, updated_at: now, closed_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    taskId = Number(row.id);
  });
  after(async () => ta.close());

  const post = (s: StaffSession, path: string, payload?: object) =>
    ta.app.inject({ method: 'POST', url: `/v1/tasks/${taskId}/${path}`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: payload ?? {} });

  it('locks a task to one reviewer until the claim expires', async () => {
    assert.equal((await post(a, 'claim')).statusCode, 200);
    const other = await post(b, 'claim');
    assert.equal(other.statusCode, 409);
    assert.match(other.json().error.message, /claimed by staff/);
    assert.equal((await post(b, 'decision', { decision: 'not_violating', reason: 'x' })).statusCode, 409, 'no decision without the claim');
    ta.clock.advance(16 * 60_000);
    assert.equal((await post(b, 'claim')).statusCode, 200, 'an expired claim can be taken over');
    assert.equal((await post(a, 'decision', { decision: 'not_violating', reason: 'x' })).statusCode, 409);
  });

  it('closes the task with a decision, audited', async () => {
    const bad = await post(b, 'decision', { decision: 'maybe', reason: 'x' });
    assert.equal(bad.statusCode, 400);
    const ok = await post(b, 'decision', { decision: 'not_violating', reason: 'group about hiking', note: 'checked members' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((await post(b, 'decision', { decision: 'not_violating', reason: 'again' })).statusCode, 409, 'a closed task stays closed');
    const t = await ta.ctx.db.kysely.selectFrom('review_tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    assert.equal(t.status, 'closed');
    const audit = await ta.ctx.db.kysely.selectFrom('audit_log').select(['action', 'actor', 'reason']).where('action', 'like', 'task.%').orderBy('seq').execute();
    assert.deepEqual(audit.map((x) => x.action), ['task.claim', 'task.claim', 'task.decide']);
    assert.equal(audit[2]!.actor, `staff:${b.id}`);
    assert.equal(audit[2]!.reason, 'group about hiking');
  });
});
