// The admin API the console's admin screens use: generated one-time passwords (create and reset), last sign-in,
// the last enabled admin kept, API key last use (at most once a minute), bank entry search and file import in any
// list format with the bad line named. Every hash is a digest of a made-up string: benign fixtures.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DIALECTS, apiKey, staffSession, testApp, type TestApp } from './helpers.ts';

const hex = (seed: number, len = 64) =>
  createHash('sha256').update(`benign-fixture-${seed}`).digest('hex').slice(0, len);

for (const dialect of DIALECTS) {
  describe(`admin API (${dialect})`, () => {
    let ta: TestApp;
    let h: Record<string, string>;
    let adminId: number;
    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object | string, headers = h) =>
      ta.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
    const signIn = (username: string, password: string) =>
      ta.app.inject({ method: 'POST', url: '/v1/session', payload: { username, password } });
    const audit = async (action: string, subject: string) =>
      ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select(['action', 'actor'])
        .where('action', '=', action)
        .where('subject_id', '=', subject)
        .execute();

    before(async () => {
      ta = await testApp(dialect);
      const admin = await staffSession(ta, 'admin', 'ada');
      adminId = admin.id;
      h = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    });
    after(async () => ta.close());

    it('creates staff with a generated password shown once, resets it, and lists the last sign-in', async () => {
      const c = await api('POST', '/v1/staff', { username: 'lena', role: 'lead' });
      assert.equal(c.statusCode, 201, c.body);
      const { id, password } = c.json();
      assert.ok(typeof password === 'string' && password.length >= 20, 'a generated password is returned');
      assert.equal((await signIn('lena', password)).statusCode, 200);
      const listed = (await api('GET', '/v1/staff')).json().staff.find((s: { id: number }) => s.id === id);
      assert.equal(listed.last_sign_in_at, ta.clock.now().toISOString());
      assert.equal(listed.password, undefined, 'the list never carries a password');
      // A password given by the admin is not echoed back.
      const own = await api('POST', '/v1/staff', {
        username: 'owen',
        role: 'reviewer',
        password: 'a long enough password',
      });
      assert.equal(own.json().password, undefined);
      assert.equal(
        (await api('GET', '/v1/staff')).json().staff.find((s: { username: string }) => s.username === 'owen')
          .last_sign_in_at,
        null,
      );

      const r = await api('POST', `/v1/staff/${id}/reset-password`);
      assert.equal(r.statusCode, 200, r.body);
      assert.notEqual(r.json().password, password);
      assert.equal((await signIn('lena', password)).statusCode, 401, 'the old password no longer works');
      assert.equal((await signIn('lena', r.json().password)).statusCode, 200);
      assert.deepEqual(await audit('staff.password_reset', String(id)), [
        { action: 'staff.password_reset', actor: `staff:${adminId}` },
      ]);
      assert.equal((await api('POST', '/v1/staff/999999/reset-password')).statusCode, 404);
      assert.equal((await api('POST', '/v1/staff/abc/reset-password')).statusCode, 400);
    });

    it('documents the new route and fields in the OpenAPI document', async () => {
      const doc = (await ta.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      assert.ok(doc.paths['/v1/staff/{id}/reset-password']?.post, 'reset-password is documented');
      const text = JSON.stringify(doc);
      for (const field of ['last_sign_in_at', 'last_used_at']) assert.ok(text.includes(field), field);
      assert.ok(doc.paths['/v1/banks/{name}/entries'].get.parameters.some((p: { name: string }) => p.name === 'q'));
      assert.ok(
        doc.paths['/v1/banks/{name}/entries'].post.parameters.some((p: { name: string }) => p.name === 'format'),
      );
    });

    it('unlocks a locked account; keeps one enabled admin; only admins manage staff', async () => {
      const c = (await api('POST', '/v1/staff', { username: 'lou', role: 'reviewer' })).json();
      for (let i = 0; i < ta.ctx.cfg.login.maxFailures; i++) await signIn('lou', 'wrong password 123');
      assert.equal((await signIn('lou', c.password)).statusCode, 429, 'locked');
      assert.ok((await api('GET', '/v1/staff')).json().staff.find((s: { id: number }) => s.id === c.id).locked_until);
      assert.equal((await api('PATCH', `/v1/staff/${c.id}`, { unlock: true })).statusCode, 200);
      assert.equal((await signIn('lou', c.password)).statusCode, 200);

      const demote = await api('PATCH', `/v1/staff/${adminId}`, { role: 'lead' });
      assert.equal(demote.statusCode, 409, demote.body);
      assert.match(demote.json().error.message, /last enabled admin/);
      assert.equal((await api('PATCH', `/v1/staff/${adminId}`, { disabled: true })).statusCode, 409);
      const other = (await api('POST', '/v1/staff', { username: 'abe', role: 'admin' })).json();
      assert.equal(
        (await api('PATCH', `/v1/staff/${other.id}`, { disabled: true })).statusCode,
        200,
        'another admin may be disabled',
      );

      const lead = await staffSession(ta, 'lead');
      const lh = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
      assert.equal((await api('POST', `/v1/staff/${c.id}/reset-password`, undefined, lh)).statusCode, 403);
      assert.equal((await api('GET', '/v1/staff', undefined, lh)).statusCode, 403);
    });

    it("records an API key's last use at most once a minute", async () => {
      const key = await apiKey(ta, ['read']);
      const id = Number(key.split('_')[1]);
      const lastUse = async () =>
        (await api('GET', '/v1/api-keys')).json().keys.find((k: { id: number }) => k.id === id).last_used_at;
      assert.equal(await lastUse(), null);
      const use = () => ta.app.inject({ method: 'GET', url: '/v1/banks', headers: { authorization: `Bearer ${key}` } });
      const first = ta.clock.now().toISOString();
      assert.equal((await use()).statusCode, 403, 'banks are for staff; the key was still recognised');
      assert.equal(await lastUse(), first);
      ta.clock.advance(30_000);
      await use();
      assert.equal(await lastUse(), first, 'not written again within the minute');
      ta.clock.advance(31_000);
      await use();
      assert.equal(await lastUse(), ta.clock.now().toISOString());
    });

    it('searches a bank by id, hash prefix and note, page by page', async () => {
      assert.equal((await api('POST', '/v1/banks', { name: 'SEARCHED' })).statusCode, 201);
      const entries = Array.from({ length: 120 }, (_, i) => ({
        signal_type: 'pdq',
        value: hex(i),
        note: i % 10 === 0 ? `Batch_${i} 100%` : `plain ${i}`,
      }));
      assert.equal((await api('POST', '/v1/banks/SEARCHED/entries', { entries })).json().added, 120);
      const get = async (q: string, after = 0, limit = 50) =>
        (
          await api('GET', `/v1/banks/SEARCHED/entries?q=${encodeURIComponent(q)}&after=${after}&limit=${limit}`)
        ).json();
      const byPrefix = await get(hex(7).slice(0, 10).toUpperCase());
      assert.ok(byPrefix.entries.some((e: { value: string }) => e.value === hex(7)));
      assert.ok(byPrefix.entries.every((e: { value: string }) => e.value.startsWith(hex(7).slice(0, 10))));
      const one = byPrefix.entries[0];
      assert.ok((await get(String(one.id))).entries.some((e: { id: number }) => e.id === one.id));
      const notes = await get('batch_');
      assert.equal(notes.entries.length, 12, 'note search is case-insensitive and `_` is literal');
      assert.equal((await get('100%')).entries.length, 12, '`%` is literal');
      assert.equal((await get('zz-no-such')).entries.length, 0);
      const p1 = await get('plain', 0, 50);
      assert.equal(p1.entries.length, 50);
      const p2 = await get('plain', p1.next_after, 50);
      assert.equal(p2.entries.length, 50);
      assert.ok(p2.entries[0].id > p1.entries.at(-1).id);
      assert.equal((await get('plain', p2.next_after, 50)).entries.length, 8);
      const reviewer = await staffSession(ta, 'reviewer');
      assert.equal(
        (await api('GET', '/v1/banks/SEARCHED/entries?q=plain', undefined, { cookie: reviewer.cookie })).statusCode,
        200,
        'any staff may read',
      );
    });

    it('imports a file in any list format all or nothing, naming the bad line', async () => {
      await api('POST', '/v1/banks', { name: 'IMPORTED' });
      const post = (body: string, q: string) =>
        api('POST', `/v1/banks/IMPORTED/entries?${q}`, body, { ...h, 'content-type': 'text/plain' });
      const count = async () =>
        (await api('GET', '/v1/banks')).json().banks.find((b: { name: string }) => b.name === 'IMPORTED').entries;

      const bad = post(`# a list\n${hex(1)}\n\n${hex(2)}\nnot-a-hash\n${hex(3)}\n`, 'format=auto&signal_type=pdq');
      const r1 = await bad;
      assert.equal(r1.statusCode, 400);
      assert.match(r1.json().error.message, /^line 5: not a pdq hash/);
      assert.equal(await count(), 0, 'nothing imported');
      assert.equal((await post(`${hex(1)}\n`, 'format=plain')).statusCode, 400, 'a plain list needs its type');

      const csv = `signal_type,signal,external_id,note\npdq,${hex(1)},x1,first\nmd5,${hex(2, 32)},x2,\nsha256,${hex(3, 10)},x3,\n`;
      const r2 = await post(csv, 'format=auto');
      assert.equal(r2.statusCode, 400);
      assert.match(r2.json().error.message, /^line 4: not a sha256 hash/);
      assert.equal(await count(), 0);

      assert.deepEqual((await post(csv.replace(hex(3, 10), hex(3)), 'format=auto')).json(), {
        added: 3,
        duplicates: 0,
      });
      const json = JSON.stringify([
        { signal_type: 'pdq', value: hex(4) },
        { signal_type: 'pdq', value: hex(1) },
      ]);
      assert.deepEqual((await post(json, 'format=auto')).json(), { added: 1, duplicates: 1 });
      const badJson = await post(
        JSON.stringify([
          { signal_type: 'pdq', value: hex(5) },
          { signal_type: 'colour', value: 'x' },
        ]),
        'format=json',
      );
      assert.equal(badJson.statusCode, 400);
      assert.match(badJson.json().error.message, /line 2: unknown signal type "colour"/);
      assert.equal((await post('{not json', 'format=json')).statusCode, 400);
      assert.deepEqual((await post(`${hex(6)}\n${hex(7)}\n`, 'format=auto&signal_type=pdq')).json(), {
        added: 2,
        duplicates: 0,
      });
      assert.equal(await count(), 6);
      // Progress lines for the console, ending in the result; a bad list is still refused before any 200.
      const many = Array.from({ length: 1200 }, (_, i) => hex(1000 + i)).join('\n');
      const streamed = await api('POST', '/v1/banks/IMPORTED/entries?format=plain&signal_type=pdq', many, {
        ...h,
        'content-type': 'text/plain',
        accept: 'application/x-ndjson',
      });
      assert.equal(streamed.statusCode, 200);
      assert.match(String(streamed.headers['content-type']), /application\/x-ndjson/);
      const lines = streamed.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(lines.slice(0, -1), [
        { stored: 0, total: 1200 },
        { stored: 500, total: 1200 },
        { stored: 1000, total: 1200 },
        { stored: 1200, total: 1200 },
      ]);
      assert.deepEqual(lines.at(-1), { result: { added: 1200, duplicates: 0 } });
      const refused = await api(
        'POST',
        '/v1/banks/IMPORTED/entries?format=plain&signal_type=md5',
        `${hex(1, 32)}\nnope\n`,
        {
          ...h,
          'content-type': 'text/plain',
          accept: 'application/x-ndjson',
        },
      );
      assert.equal(refused.statusCode, 400);
      assert.match(refused.json().error.message, /^line 2: not a md5 hash/);
      const missing = await api('POST', '/v1/banks/NO_SUCH/entries?format=plain&signal_type=pdq', `${hex(1)}\n`, {
        ...h,
        'content-type': 'text/plain',
        accept: 'application/x-ndjson',
      });
      assert.equal(missing.statusCode, 404);
      assert.equal(await count(), 1206);

      const lead = await staffSession(ta, 'lead');
      const byLead = await api('POST', '/v1/banks/IMPORTED/entries?format=auto&signal_type=pdq', `${hex(8)}\n`, {
        cookie: lead.cookie,
        'x-csrf-token': lead.csrf,
        'content-type': 'text/plain',
      });
      assert.equal(byLead.statusCode, 200, 'leads manage banks too (OPS)');
      const reviewer = await staffSession(ta, 'reviewer');
      const byReviewer = await api('POST', '/v1/banks/IMPORTED/entries?format=auto&signal_type=pdq', `${hex(9)}\n`, {
        cookie: reviewer.cookie,
        'x-csrf-token': reviewer.csrf,
        'content-type': 'text/plain',
      });
      assert.equal(byReviewer.statusCode, 403);
    });
  });
}
