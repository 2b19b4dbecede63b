// One error type: every code has its HTTP status in one table, and the API answers a VigilError thrown deep in a
// domain function with that code and status (no route translates it).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_STATUS, VigilError, isVigilError, notFound, type ErrorCode } from '../src/errors.ts';
import { testApp, staffSession, type TestApp, type StaffSession } from './helpers.ts';

describe('VigilError', () => {
  it('gives every code an HTTP status, from the one table', () => {
    const codes = Object.keys(ERROR_STATUS) as ErrorCode[];
    assert.ok(codes.length >= 40, `${codes.length} codes`);
    for (const code of codes) {
      const e = new VigilError(code, 'x');
      assert.ok(Number.isInteger(e.status) && e.status >= 400 && e.status < 600, `${code}: ${e.status}`);
      assert.equal(e.status, ERROR_STATUS[code]);
    }
    // Statuses clients and tests rely on.
    const pinned: [ErrorCode, number][] = [
      ['invalid_request', 400],
      ['invalid_events', 400],
      ['invalid_credentials', 401],
      ['forbidden', 403],
      ['not_found', 404],
      ['conflict', 409],
      ['bulk_refused', 409],
      ['media_too_large', 413],
      ['undecodable_media', 422],
      ['rate_limited', 429],
      ['decoder_busy', 503],
    ];
    for (const [code, status] of pinned) assert.equal(ERROR_STATUS[code], status, code);
  });

  it('is recognised by code, carries details, headers and cause', () => {
    const cause = new Error('root');
    const e = new VigilError('rate_limited', 'slow down', { tries: 3 }, { headers: { 'retry-after': '60' }, cause });
    assert.deepEqual(
      [isVigilError(e), isVigilError(e, 'rate_limited'), isVigilError(e, 'conflict'), isVigilError(new Error('x'))],
      [true, true, false, false],
    );
    assert.deepEqual(
      [e.code, e.status, e.details, e.headers, e.cause],
      ['rate_limited', 429, { tries: 3 }, { 'retry-after': '60' }, cause],
    );
    assert.deepEqual([notFound('bank "x"').code, notFound('bank "x"').message], ['not_found', 'bank "x" not found']);
  });
});

describe('the API answers a domain VigilError with its code and status', () => {
  let ta: TestApp;
  let s: StaffSession;
  before(async () => {
    ta = await testApp('sqlite');
    s = await staffSession(ta, 'reviewer');
  });
  after(async () => ta.close());

  it('a missing case (review/cases.ts) is 404 not_found', async () => {
    const r = await ta.app.inject({
      method: 'POST',
      url: '/v1/cases/987654/claim',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    assert.equal(r.statusCode, 404);
    assert.deepEqual(r.json(), { error: { code: 'not_found', message: 'case 987654 not found' } });
  });

  it('a cursor this server never gave out (review/case-views.ts) is 400 invalid_cursor', async () => {
    const r = await ta.app.inject({ method: 'GET', url: '/v1/cases?cursor=nonsense', headers: { cookie: s.cookie } });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'invalid_cursor');
  });

  it('a bulk refusal (review/cases.ts) is 409 bulk_refused with each case in details', async () => {
    const r = await ta.app.inject({
      method: 'POST',
      url: '/v1/cases/bulk',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { ids: [987654], claim: true },
    });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().error.code, 'bulk_refused');
    assert.deepEqual(r.json().error.details, { errors: [{ id: 987654, message: 'no such case' }] });
  });
});
