// The demo's messenger traffic: made with the `vigil chat` commands against a real relay, it leaves
// three users with working sessions, a group of three, and one verified report.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testApp, type TestApp } from '../../server/test/helpers.ts';
import { messenger, runJobs } from '../../server/test/relay-helpers.ts';
import { seedConversations } from '../src/commands/demo-chat.ts';
import { runChat } from '../src/commands/chat.ts';

describe('demo conversations', () => {
  let ta: TestApp;
  let base = '';
  before(async () => {
    ta = await testApp('sqlite');
    base = (await messenger(ta)).base; // the relay, a platform of its own beside the service
  });
  after(async () => ta.close());

  it('seeds 1:1 chats, a group joined by link, a forward and a verified report', { timeout: 300_000 }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'vigil-demo-chat-'));
    const seeded = await seedConversations(base, home);
    assert.deepEqual(readdirSync(home).sort(), ['ana.demo.json', 'ben.demo.json', 'cai.demo.json']);
    assert.equal(seeded.messages, 5);
    await runJobs(ta);
    const reports = await ta.ctx.db.kysely.selectFrom('user_reports').select(['verification', 'reason']).execute();
    assert.deepEqual(reports, [{ verification: 'verified', reason: 'spam' }]);
    // The saved sessions work afterwards: Ben's client lists the 1:1 chats and the group of three.
    const list = await runChat(['--server', base, '--home', home, '--as', 'ben.demo', 'list']);
    assert.match(list, /members: .*ana\.demo.*cai\.demo|members: .*cai\.demo.*ana\.demo/);
    assert.equal(list.trim().split('\n').length, 3, list);
    // Commands in process throw instead of exiting.
    await assert.rejects(runChat(['--server', base, '--home', home, '--as', 'nobody', 'read']), /no saved session/);
  });
});
