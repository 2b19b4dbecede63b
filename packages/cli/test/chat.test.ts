// `vigil chat` against a real server: register, 1:1 messages, a report the service verifies,
// a group with an invite link that a third user joins.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { testApp, type TestApp } from '../../server/test/helpers.ts';
import { messenger, runJobs, type Messenger } from '../../server/test/relay-helpers.ts';
import { addEntries, createBank } from '../../server/src/media/banks.ts';
import { buildPsiTable } from '../../server/src/psi/tables.ts';
import { psiKeys } from '../../server/src/psi/keys.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const exec = promisify(execFile);

describe('vigil chat', () => {
  let ta: TestApp;
  let base = '';
  let m: Messenger;
  const home = mkdtempSync(join(tmpdir(), 'vigil-chat-'));
  const chat = async (who: string, ...args: string[]) => {
    const r = await exec(
      process.execPath,
      ['--import', 'tsx', MAIN, 'chat', '--server', base, '--home', home, '--as', who, ...args],
      { env: { ...process.env, VIGIL_CHAT_PASSWORD: `${who} password 123` }, encoding: 'utf8' },
    );
    return r.stdout;
  };
  before(async () => {
    ta = await testApp('sqlite');
    m = await messenger(ta);
    base = m.base;
  });
  after(async () => ta.close());

  it('registers, chats 1:1, reports, and runs a group joined by invite link', { timeout: 300_000 }, async () => {
    for (const u of ['anna', 'bert', 'cleo'])
      assert.match(await chat(u, 'register', u), new RegExp(`registered as ${u}`));
    assert.match(await chat('anna', 'send', '@bert', 'hello bert'), /^sent #/);
    const read = await chat('bert', 'read');
    assert.match(read, /anna: hello bert {2}#([0-9a-f]+)/);
    const id = /#([0-9a-f]+)/.exec(read)![1]!;
    assert.match(await chat('bert', 'report', id), /reported #/);
    await runJobs(ta);
    const rep = await ta.ctx.db.kysely.selectFrom('user_reports').select('verification').executeTakeFirstOrThrow();
    assert.equal(rep.verification, 'verified');

    const created = JSON.parse(await chat('anna', '--json', 'group', 'create', 'Book club', '@bert'));
    const link = (await chat('anna', 'group', 'invite', created.conversation)).trim();
    assert.match(link, /^vigil:\/\/join\//);
    assert.match(await chat('cleo', 'group', 'join', link), /asked to join/);
    await chat('anna', 'read'); // anna's client adds cleo
    await chat('cleo', 'read'); // cleo's Welcome
    await chat('anna', 'send', created.conversation, 'welcome to the book club');
    assert.match(await chat('cleo', 'read'), /anna: welcome to the book club/);
    assert.match(await chat('bert', 'read'), /anna: welcome to the book club/);
    await assert.rejects(chat('nobody', 'read'), /no saved session/);
  });

  it(
    'read --follow shows messages as they are pushed, and saves them before acknowledging',
    { timeout: 300_000 },
    async () => {
      for (const u of ['dina', 'emil']) await chat(u, 'register', u);
      await chat('dina', 'send', '@emil', 'before following');
      const p = spawn(
        process.execPath,
        ['--import', 'tsx', MAIN, 'chat', '--server', base, '--home', home, '--as', 'emil', 'read', '--follow'],
        { env: { ...process.env, VIGIL_CHAT_PASSWORD: 'x' } },
      );
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      const until = async (re: RegExp) => {
        for (let i = 0; i < 900 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
        assert.match(out, re, `stdout: ${out}\nstderr: ${err}`);
      };
      await until(/dina: before following/);
      await chat('dina', 'send', '@emil', 'while following');
      await until(/dina: while following/);
      p.kill('SIGINT');
      assert.equal(await new Promise((r) => p.once('exit', r)), 0);
      // Both were saved and acknowledged: a later read shows nothing new, and the queue is empty.
      assert.equal(await chat('emil', 'read'), '');
      assert.equal((await m.relay.ctx.db.selectFrom('messenger_queue').select('id').execute()).length, 0);
    },
  );

  it(
    "follows the relay's private-matching policy: vouchers for attachments, the table pinned and kept",
    { timeout: 300_000 },
    async () => {
      ta.ctx.cfg.psi = { ...ta.ctx.cfg.psi, scope: 'everywhere', threshold: 10, syntheticProbability: 0 };
      const file = join(home, 'generated.bin');
      const bytes = Buffer.from('generated test bytes, listed for this test only');
      writeFileSync(file, bytes);
      await createBank(ta.ctx.db.kysely, { name: 'chat-psi', kind: 'block' }, 'test', ta.clock);
      await addEntries(
        ta.ctx.db.kysely,
        'chat-psi',
        [{ signal_type: 'sha256', value: createHash('sha256').update(bytes).digest('hex') }],
        'test',
        ta.clock,
      );
      await buildPsiTable(ta.ctx.db.kysely, ta.ctx.cfg, psiKeys(ta.ctx.cfg), 'test', ta.clock);
      for (const u of ['fern', 'gus']) await chat(u, 'register', u);
      await chat('fern', 'send', '@gus', 'one', '--attach', file);
      await chat('fern', 'send', '@gus', 'two', '--attach', file);
      await runJobs(ta); // the relay's queued events reach the safety service
      const vouchers = await ta.ctx.db.kysely
        .selectFrom('events')
        .select('payload')
        .where('type', '=', 'voucher.submitted')
        .execute();
      assert.equal(vouchers.length, 2, 'one voucher per attachment');
      const saved = JSON.parse(readFileSync(join(home, 'fern.json'), 'utf8'));
      assert.equal(saved.psiVersion, 1);
      assert.ok(saved.psiKey, 'the signing key is pinned');
      assert.ok(readFileSync(join(home, 'fern.psi-table')).length > 100, 'the table is kept between commands');
      ta.ctx.cfg.psi = { ...ta.ctx.cfg.psi, scope: 'off' };
    },
  );
});
