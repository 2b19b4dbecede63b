// Someone with database access edits, deletes or truncates audit rows: `vigil audit verify` notices.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { DIALECTS, openTestDb, TestClock, type TestDb } from './helpers.ts';
import { appendAudit } from '../src/audit/log.ts';
import { verifyAudit } from '../src/audit/verify.ts';
import { CLI_MAIN } from './process.ts';

async function dropGuards(t: TestDb) {
  if (t.dialect === 'postgres') await sql`DROP TRIGGER audit_log_no_change ON audit_log`.execute(t.db.kysely);
  else {
    await sql`DROP TRIGGER audit_log_no_update`.execute(t.db.kysely);
    await sql`DROP TRIGGER audit_log_no_delete`.execute(t.db.kysely);
  }
}

function cliVerify(t: TestDb) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI_MAIN, 'audit', 'verify'], {
    env: { ...process.env, ...t.env },
    encoding: 'utf8',
  });
}

for (const dialect of DIALECTS) {
  describe(`audit tamper detection (${dialect})`, () => {
    it('detects an edited, a deleted and a truncated entry', { timeout: 60_000 }, async () => {
      const t = await openTestDb(dialect);
      try {
        const clock = new TestClock();
        for (let i = 1; i <= 10; i++)
          await appendAudit(
            t.db.kysely,
            { actor: 'staff:1', action: 'evidence.view', subjectType: 'media', subjectId: `m${i}`, reason: 'review' },
            clock,
          );
        assert.ok((await verifyAudit(t.db.kysely)).ok);
        const clean = cliVerify(t);
        assert.equal(clean.status, 0, clean.stderr);
        assert.match(clean.stdout, /intact: 10 entries/);

        await dropGuards(t);
        await t.db.kysely.updateTable('audit_log').set({ actor: 'staff:2' }).where('seq', '=', 4).execute();
        let v = await verifyAudit(t.db.kysely);
        assert.deepEqual(
          v.problems.map((p) => [p.seq, p.problem]),
          [[4, 'edited']],
        );
        const tampered = cliVerify(t);
        assert.equal(tampered.status, 1);
        assert.match(tampered.stdout, /TAMPERED[\s\S]*entry 4: edited/);

        await t.db.kysely.updateTable('audit_log').set({ actor: 'staff:1' }).where('seq', '=', 4).execute();
        assert.ok((await verifyAudit(t.db.kysely)).ok, 'restoring the row restores the chain');

        await t.db.kysely.deleteFrom('audit_log').where('seq', '=', 7).execute();
        v = await verifyAudit(t.db.kysely);
        assert.ok(v.problems.some((p) => p.problem === 'missing' && p.seq === 7));
        assert.ok(v.problems.some((p) => p.problem === 'chain_broken' && p.seq === 8));

        // Deleting from the end leaves a consistent chain, but not the head.
        const t2 = await openTestDb(dialect);
        try {
          for (let i = 1; i <= 5; i++) await appendAudit(t2.db.kysely, { actor: 'a', action: 'x' }, clock);
          await dropGuards(t2);
          await t2.db.kysely.deleteFrom('audit_log').where('seq', '>', 3).execute();
          const v2 = await verifyAudit(t2.db.kysely);
          assert.deepEqual(
            v2.problems.map((p) => p.problem),
            ['head_mismatch'],
          );
        } finally {
          await t2.cleanup();
        }
      } finally {
        await t.cleanup();
      }
    });
  });
}
