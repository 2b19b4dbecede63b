// A database still on an earlier built-in term list gets the current one as a new version at start-up; a list
// an operator saved is never replaced, and an up-to-date built-in list is left alone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TERM_LIST } from '@vigil/text';
import { DIALECTS, testApp } from './helpers.ts';
import { currentTermList, ensureDefaultTermList, saveTermList } from '../src/detect/term-lists.ts';

const older = { ...DEFAULT_TERM_LIST, terms: DEFAULT_TERM_LIST.terms.slice(0, 3) };

for (const dialect of DIALECTS) {
  describe(`built-in term list upgrades (${dialect})`, () => {
    it('upgrades an unedited earlier built-in list, once', async () => {
      const ta = await testApp(dialect);
      try {
        await saveTermList(ta.ctx.db.kysely, older, 'system:default-terms', ta.clock);
        assert.equal(await ensureDefaultTermList(ta.ctx.db.kysely, ta.clock), true);
        const now = (await currentTermList(ta.ctx.db.kysely))!;
        assert.equal(now.version, 2);
        assert.equal(now.terms.length, DEFAULT_TERM_LIST.terms.length);
        assert.equal(await ensureDefaultTermList(ta.ctx.db.kysely, ta.clock), false, 'already current');
        const audit = await ta.ctx.db.kysely
          .selectFrom('audit_log')
          .select('action')
          .where('action', '=', 'term_list.save')
          .execute();
        assert.equal(audit.length, 2);
      } finally {
        await ta.close();
      }
    });

    it('never replaces a list an operator saved', async () => {
      const ta = await testApp(dialect);
      try {
        await saveTermList(ta.ctx.db.kysely, older, 'staff:1', ta.clock);
        assert.equal(await ensureDefaultTermList(ta.ctx.db.kysely, ta.clock), false);
        assert.equal((await currentTermList(ta.ctx.db.kysely))!.terms.length, 3);
      } finally {
        await ta.close();
      }
    });
  });
}
