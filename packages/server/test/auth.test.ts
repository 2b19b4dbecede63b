import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, staffSession, apiKey, type TestApp } from './helpers.ts';
import { createStaff } from '../src/auth/staff.ts';
import { hashPassword, verifyPassword } from '../src/auth/passwords.ts';

describe('staff authentication', () => {
  let ta: TestApp;
  before(async () => {
    ta = await testApp('sqlite', {
      login: { maxFailures: 3, lockoutMinutes: 15, perIpPerWindow: 12, windowMinutes: 15 },
    });
  });
  after(async () => ta.close());

  const login = (username: string, password: string, ip = '198.51.100.1') =>
    ta.app.inject({ method: 'POST', url: '/v1/session', payload: { username, password }, remoteAddress: ip });

  it('hashes passwords with scrypt and verifies them', async () => {
    const h = await hashPassword('a long enough password');
    assert.match(h, /^scrypt\$/);
    assert.ok(await verifyPassword('a long enough password', h));
    assert.ok(!(await verifyPassword('a long enough passworD', h)));
  });

  it('sets an httpOnly SameSite=Strict session cookie and returns a CSRF token', async () => {
    await createStaff(
      ta.ctx.db.kysely,
      { username: 'rita', role: 'reviewer', password: 'rita password 123' },
      'test',
      ta.clock,
    );
    const res = await login('rita', 'rita password 123');
    assert.equal(res.statusCode, 200);
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.ok(res.json().csrf_token.length > 20);
    const me = await ta.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(me.json().staff.role, 'reviewer');
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    await createStaff(
      ta.ctx.db.kysely,
      { username: 'lara', role: 'legal', password: 'lara password 123' },
      'test',
      ta.clock,
    );
    for (let i = 0; i < 3; i++) assert.equal((await login('lara', 'wrong password', '198.51.100.2')).statusCode, 401);
    const locked = await login('lara', 'lara password 123', '198.51.100.2');
    assert.equal(locked.statusCode, 429);
    assert.ok(Number(locked.headers['retry-after']) > 0);
    ta.clock.advance(16 * 60_000);
    assert.equal((await login('lara', 'lara password 123', '198.51.100.2')).statusCode, 200);
    const audit = await ta.ctx.db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'staff.locked')
      .execute();
    assert.equal(audit.length, 1);
  });

  it('rate-limits login attempts per address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 14; i++) codes.push((await login(`nobody${i}`, 'whatever pass', '203.0.113.9')).statusCode);
    assert.deepEqual(codes.slice(0, 12), Array(12).fill(401));
    assert.deepEqual(codes.slice(12), [429, 429]);
    assert.equal(
      (await login('nobody', 'whatever pass', '203.0.113.10')).statusCode,
      401,
      'other addresses are unaffected',
    );
  });

  it('ends sessions on sign-out, expiry and disabling', async () => {
    const admin = await staffSession(ta, 'admin');
    const rev = await staffSession(ta, 'reviewer');
    const get = (cookie: string) => ta.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    assert.equal((await get(rev.cookie)).statusCode, 200);
    const dis = await ta.app.inject({
      method: 'PATCH',
      url: `/v1/staff/${rev.id}`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { disabled: true },
    });
    assert.equal(dis.statusCode, 200);
    assert.equal((await get(rev.cookie)).statusCode, 401);
    const out = await ta.app.inject({
      method: 'DELETE',
      url: '/v1/session',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    });
    assert.equal(out.statusCode, 200);
    assert.equal((await get(admin.cookie)).statusCode, 401);
    const later = await staffSession(ta, 'auditor');
    ta.clock.advance(13 * 3600_000);
    assert.equal((await get(later.cookie)).statusCode, 401);
  });

  it('refuses revoked, malformed and unknown API keys', async () => {
    const admin = await staffSession(ta, 'admin');
    const key = await apiKey(ta, ['read']);
    const get = (auth: string) => ta.app.inject({ method: 'GET', url: '/v1/events', headers: { authorization: auth } });
    assert.equal((await get(`Bearer ${key}`)).statusCode, 200);
    assert.equal((await get(`Bearer ${key}x`)).statusCode, 401);
    assert.equal((await get('Bearer vk_1_short')).statusCode, 401);
    assert.equal((await get('Basic abc')).statusCode, 401);
    const id = key.split('_')[1];
    const del = await ta.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${id}`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    });
    assert.equal(del.statusCode, 200);
    assert.equal((await get(`Bearer ${key}`)).statusCode, 401);
    const keys = await ta.ctx.db.kysely.selectFrom('api_keys').select('secret_hash').execute();
    assert.ok(
      keys.every((k) => !key.includes(k.secret_hash)),
      'only hashes are stored',
    );
  });
});
