// Walks every route × every principal (anonymous, each staff role, each API key scope) and proves
// that what a route does not allow is refused before any handler runs, with nothing in the body.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, staffSession, apiKey, type TestApp, type StaffSession } from './helpers.ts';
import { ROLES, SCOPES, allows, type Principal } from '../src/auth/roles.ts';

describe('route × role access', () => {
  let ta: TestApp;
  const staff: Record<string, StaffSession> = {};
  const keys: Record<string, string> = {};
  before(async () => {
    ta = await testApp('sqlite');
    for (const role of ROLES) staff[role] = await staffSession(ta, role);
    for (const scope of SCOPES) keys[scope] = await apiKey(ta, [scope]);
  });
  after(async () => ta.close());

  it('every route declares its access, and the table covers the API', () => {
    const urls = ta.app.routeTable.map((r) => `${r.method} ${r.url}`);
    for (const must of [
      'POST /v1/events',
      'GET /v1/audit',
      'POST /v1/api-keys',
      'GET /v1/jobs/dead',
      'GET /healthz',
      'GET /openapi.json',
    ]) {
      assert.ok(urls.includes(must), `${must} is registered`);
    }
    assert.ok(
      ta.app.routeTable.every((r) => r.access),
      'no route without access',
    );
  });

  it('refuses every disallowed principal with 401/403 and an error body only', async () => {
    // Signing out last, so each staff session survives the walk.
    const routes = ta.app.routeTable
      .filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs'))
      .sort(
        (a, b) =>
          Number(a.url === '/v1/session' && a.method === 'DELETE') -
          Number(b.url === '/v1/session' && b.method === 'DELETE'),
      );
    type Who = { name: string; principal: Principal | null; headers: Record<string, string> };
    const principals: Who[] = [
      { name: 'anonymous', principal: null, headers: {} },
      ...ROLES.map((role) => ({
        name: `staff:${role}`,
        principal: { kind: 'staff', staffId: 0, username: '', role, csrfToken: '' } as Principal,
        headers: { cookie: staff[role]!.cookie, 'x-csrf-token': staff[role]!.csrf },
      })),
      ...SCOPES.map((scope) => ({
        name: `key:${scope}`,
        principal: { kind: 'key', keyId: 0, platform: 'default', scopes: [scope] } as Principal,
        headers: { authorization: `Bearer ${keys[scope]}` },
      })),
    ];
    let checked = 0;
    for (const r of routes) {
      // Ids that exist nowhere, so allowed calls never change real state.
      const url = r.url.replace(/:[a-z_]+/g, '999999');
      for (const who of principals) {
        const res = await ta.app.inject({
          method: r.method as 'GET',
          url,
          headers: {
            ...who.headers,
            ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
          },
          payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : '{}',
        });
        const allowed = allows(r.access, who.principal);
        const where = `${r.method} ${r.url} as ${who.name} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (allowed) {
          assert.ok(![401, 403].includes(res.statusCode), `allowed but refused: ${where}`);
        } else {
          assert.equal(res.statusCode, who.principal ? 403 : 401, `not refused: ${where}`);
          assert.deepEqual(Object.keys(res.json()), ['error'], `refusal leaks data: ${where}`);
        }
        checked++;
      }
    }
    assert.ok(checked > 150, `walked ${checked} route × principal pairs`);
  });

  it('needs the CSRF token for staff writes', async () => {
    const s = await staffSession(ta, 'admin');
    const noToken = await ta.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { cookie: s.cookie },
      payload: { name: 'x', scopes: ['read'] },
    });
    assert.equal(noToken.statusCode, 403);
    assert.equal(noToken.json().error.code, 'csrf');
    const ok = await ta.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { name: 'x', scopes: ['read'] },
    });
    assert.equal(ok.statusCode, 201);
  });
});
