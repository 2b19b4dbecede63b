// Wellness enforced by the server: media reveals counted per reviewer per day, a soft limit that holds
// reveals until a break is confirmed, a hard limit that refuses them for the day, concurrent reveals that
// cannot overshoot, and the team view for leads. Both dialects; real media fetched over HTTP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, testApp, staffSession, type TestApp, type StaffSession } from './helpers.ts';
import { loadConfig } from '../src/config.ts';
import { demoMediaRoute, writeDemoImages } from '../src/demo/images.ts';

for (const dialect of DIALECTS) {
  describe(`reviewer exposure limits (${dialect})`, () => {
    let ta: TestApp;
    let rev: StaffSession;
    let lead: StaffSession;
    before(async () => {
      const mediaDir = await writeDemoImages(mkdtempSync(join(tmpdir(), 'vigil-media-')));
      const cfg = loadConfig({ env: {} });
      ta = await testApp(
        dialect,
        { media: { ...cfg.media, allowPrivateFetch: true }, wellness: { softRevealsPerDay: 3, hardRevealsPerDay: 5 } },
        [demoMediaRoute(mediaDir)],
      );
      const base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
      const now = ta.clock.now().toISOString();
      await ta.ctx.db.kysely
        .insertInto('accounts')
        .values({
          platform: 'default',
          id: 'acc-1',
          username: 'sunny',
          display_name: null,
          bio: null,
          avatar: JSON.stringify({ url: `${base}/demo-media/avatar-stand-in.png`, mime: 'image/png' }),
          created_at: now,
          first_seen_at: now,
          updated_at: now,
          event_count: 1,
        })
        .execute();
      rev = await staffSession(ta, 'reviewer', 'rosa');
      lead = await staffSession(ta, 'lead', 'lena');
    });
    after(async () => ta.close());

    const reveal = (s: StaffSession) =>
      ta.app.inject({
        method: 'GET',
        url: '/v1/media/content?kind=account_avatar&id=acc-1',
        headers: { cookie: s.cookie },
      });
    const me = async (s: StaffSession) =>
      (await ta.app.inject({ method: 'GET', url: '/v1/me/exposure', headers: { cookie: s.cookie } })).json();
    const views = async () =>
      (await ta.ctx.db.kysely.selectFrom('audit_log').select('seq').where('action', '=', 'evidence.view').execute())
        .length;

    it('holds reveals at the soft limit until a break, refuses them at the hard limit, and starts again the next day', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await reveal(rev)).statusCode, 200);
      const held = await reveal(rev);
      assert.equal(held.statusCode, 409);
      assert.equal(held.json().error.code, 'break_due');
      assert.match(held.json().error.message, /revealed 3 media items since your last break/);
      assert.equal(await views(), 3, 'the held reveal sent nothing and logged no view');
      assert.deepEqual(await me(rev), {
        day: ta.clock.now().toISOString().slice(0, 10),
        reveals: 3,
        since_break: 3,
        soft_limit: 3,
        hard_limit: 5,
        break_due: true,
        limit_reached: false,
      });
      // The break survives anything the browser does: it is the server's state, cleared only by confirming.
      const br = await ta.app.inject({
        method: 'POST',
        url: '/v1/me/exposure/break',
        headers: { cookie: rev.cookie, 'x-csrf-token': rev.csrf },
      });
      assert.equal(br.statusCode, 200);
      assert.equal(br.json().break_due, false);
      assert.equal((await reveal(rev)).statusCode, 200);
      assert.equal((await reveal(rev)).statusCode, 200);
      const refused = await reveal(rev);
      assert.equal(refused.statusCode, 429);
      assert.match(refused.json().error.message, /daily limit/);
      await ta.app.inject({
        method: 'POST',
        url: '/v1/me/exposure/break',
        headers: { cookie: rev.cookie, 'x-csrf-token': rev.csrf },
      });
      assert.equal((await reveal(rev)).statusCode, 429, 'a break does not lift the daily limit');

      const team = await ta.app.inject({ method: 'GET', url: '/v1/wellness/team', headers: { cookie: lead.cookie } });
      assert.equal(team.statusCode, 200);
      const rosa = team.json().reviewers.find((r: { username: string }) => r.username === 'rosa');
      assert.equal(rosa.reveals, 5);
      assert.equal(rosa.limit_reached, true);
      assert.equal(
        (await ta.app.inject({ method: 'GET', url: '/v1/wellness/team', headers: { cookie: rev.cookie } })).statusCode,
        403,
        'reviewers do not see each other',
      );

      ta.clock.advance(24 * 3600_000);
      // The session has ended by then: sign in again.
      const login = await ta.app.inject({
        method: 'POST',
        url: '/v1/session',
        payload: { username: 'rosa', password: 'correct horse battery staple' },
      });
      const again = { ...rev, cookie: String(login.headers['set-cookie']).split(';')[0]! };
      assert.equal((await reveal(again)).statusCode, 200, 'a new day');
      assert.equal((await me(again)).reveals, 1);
    });

    it('concurrent reveals cannot overshoot the limit', async () => {
      const s = await staffSession(ta, 'reviewer');
      const codes = (await Promise.all(Array.from({ length: 10 }, () => reveal(s)))).map((r) => r.statusCode);
      assert.equal(codes.filter((c) => c === 200).length, 3);
      assert.equal(codes.filter((c) => c === 409).length, 7);
      assert.equal((await me(s)).reveals, 3);
    });
  });
}
