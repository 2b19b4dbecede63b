// The reference messenger integrates like any other platform: the safety service (`vigil serve`, relay not
// embedded) and the relay (`vigil relay`) run as two processes with two databases. The relay's events reach the
// service through POST /v1/events with its API key; a ban decided in a reviewer's session reaches the relay only
// as a signed webhook and ends the banned user's socket. Webhooks with a bad signature or a replayed timestamp are
// refused, and a redelivered event changes nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { HttpRelayTransport, VigilClient, type StoredMessage } from '@vigil/sdk';
import { newRelayKeysConfig } from '@vigil/relay';
import { connect } from '../src/db/connect.ts';
import { createStaff } from '../src/auth/staff.ts';
import { CLI_MAIN, freePort, waitExit, type ServerProcess } from './process.ts';
import { spawn } from 'node:child_process';

async function eventually<T>(poll: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await poll();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Spawns `vigil <args>` and waits for `url`/readyz. */
async function start(args: string[], env: Record<string, string>, url: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vigil ${args[0]} exited early (${child.exitCode}):\n${out}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url, output: () => out };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`vigil ${args[0]} did not become ready:\n${out}`);
}

describe('the relay and the safety service as two processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-two-'));
  const keys = newRelayKeysConfig();
  let server: ServerProcess;
  let relay: ServerProcess;
  let serverUrl = '';
  let relayUrl = '';
  let cookie = '';
  let csrf = '';
  let webhookSecret = '';

  const staffCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${serverUrl}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : {} };
  };

  before(async () => {
    const [serverPort, relayPort] = [await freePort(), await freePort()];
    serverUrl = `http://127.0.0.1:${serverPort}`;
    relayUrl = `http://127.0.0.1:${relayPort}`;
    // The service verifies reports with the relay's keys; the relay is not embedded; webhooks may go to loopback.
    const cfgFile = join(dir, 'server.json');
    writeFileSync(
      cfgFile,
      JSON.stringify({ relay: { embedded: false, ...keys }, webhooks: { allowPrivateTargets: true } }),
    );
    server = await start(
      ['serve', '--port', String(serverPort), '--data', join(dir, 'server'), '--config', cfgFile],
      {},
      serverUrl,
    );
    // An operator sets up the integration through the public API: a reviewer account, a platform key, a webhook endpoint.
    const db = connect({ sqlitePath: join(dir, 'server', 'vigil.db') });
    await createStaff(db.kysely, { username: 'admin_two', role: 'admin', password: 'admin two password' }, 'test', {
      now: () => new Date(),
    });
    await db.close();
    const login = await fetch(`${serverUrl}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin_two', password: 'admin two password' }),
    });
    assert.equal(login.status, 200);
    cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
    csrf = ((await login.json()) as { csrf_token: string }).csrf_token;
    const key = await staffCall('POST', '/v1/api-keys', {
      name: 'messenger relay',
      platform: 'default',
      scopes: ['ingest', 'relay'],
    });
    assert.equal(key.status, 201, JSON.stringify(key.json));
    const hook = await staffCall('POST', '/v1/webhooks', {
      url: `${relayUrl}/relay/v1/webhooks/vigil`,
      events: ['enforcement.action', 'enforcement.reversed', 'psi.opened'],
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.json));
    webhookSecret = hook.json.secret;
    const keysFile = join(dir, 'relay-keys.json');
    writeFileSync(keysFile, JSON.stringify(keys));
    relay = await start(
      [
        'relay',
        '--port',
        String(relayPort),
        '--database',
        join(dir, 'relay', 'relay.db'),
        '--safety-url',
        serverUrl,
        '--keys',
        keysFile,
      ],
      { VIGIL_RELAY_API_KEY: key.json.key, VIGIL_RELAY_WEBHOOK_SECRET: webhookSecret },
      relayUrl,
    );
  });

  after(async () => {
    for (const p of [relay, server])
      if (p && p.child.exitCode === null) {
        p.child.kill('SIGTERM');
        await waitExit(p.child);
      }
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a ban decided in a reviewer session reaches the relay by webhook and ends the socket',
    { timeout: 240_000 },
    async () => {
      const info = (await (await fetch(`${relayUrl}/relay/v1/info`)).json()) as { source_keys: Record<string, string> };
      const relayPublic = new Uint8Array(Buffer.from(Object.values(info.source_keys)[0]!, 'base64'));
      const user = async (name: string) => {
        const t = new HttpRelayTransport(relayUrl, { WebSocket: WebSocket as never });
        await t.register(name, `${name} password 123`);
        const c = new VigilClient(t.userId, t, { relaySourcePublicKey: relayPublic });
        await c.publishKeyPackages(2);
        return { t, c };
      };
      const mallory = await user('mallory_two');
      const bob = await user('bob_two');
      const chat = await mallory.c.createConversation([bob.t.userId]);
      await bob.c.sync();
      await mallory.c.send(chat, 'a message bob reports');
      const [got] = await bob.c.sync();
      const report = await bob.t.report({ type: 'account', id: mallory.t.userId }, bob.c.buildReport(chat, [got!.id]));
      assert.equal(report.status, 'verified');

      // The report travelled as an event and opened a case about mallory.
      const found = await eventually(async () => {
        const r = await staffCall('GET', `/v1/cases?q=${encodeURIComponent(mallory.t.userId)}`);
        return (r.json.cases as { id: number; subject: { id: string } }[] | undefined)?.find(
          (c) => c.subject.id === mallory.t.userId,
        );
      }, 'the case opened by the relayed report');

      const pushed: StoredMessage[] = [];
      const sub = mallory.c.listen((m) => void pushed.push(...m));
      await sub.ready;
      const ws = new WebSocket(`${relayUrl.replace('http', 'ws')}/relay/v1/socket`, ['vigil.relay.v1'], {
        headers: { authorization: `Bearer ${mallory.t.deviceToken}` },
      });
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

      assert.equal((await staffCall('POST', `/v1/cases/${found.id}/claim`)).status, 200);
      const decided = await staffCall('POST', `/v1/cases/${found.id}/decision`, {
        decision: 'policy_violation',
        reason: 'spam after warnings',
        actions: [{ action: 'ban' }],
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.json));
      assert.equal(await closed, 4401, 'the relay ended the socket when the webhook arrived');
      await sub.close();
      const again = await fetch(`${relayUrl}/relay/v1/messages`, {
        headers: { authorization: `Bearer ${mallory.t.deviceToken}` },
      });
      assert.equal(again.status, 401, 'the device token no longer works');
      await assert.rejects(new HttpRelayTransport(relayUrl).login('mallory_two', 'mallory_two password 123'), /banned/);
    },
  );

  it('what the relay needs from the service is public API, in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${serverUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const p of [
      '/v1/events',
      '/v1/psi/policy',
      '/v1/psi/tables/{version}',
      '/v1/psi/openings/{id}/blob',
      '/v1/webhooks',
    ])
      assert.ok(doc.paths[p], `${p} is documented`);
    assert.ok(
      !Object.keys(doc.paths).some((p) => p.startsWith('/relay/')),
      'a service without the embedded relay serves no relay routes',
    );
  });

  it('refuses webhooks with a bad signature or a replayed timestamp; a redelivered event changes nothing', async () => {
    const hook = `${relayUrl}/relay/v1/webhooks/vigil`;
    const body = JSON.stringify({
      id: 'evt_test_unban_nobody',
      type: 'enforcement.action',
      created_at: new Date().toISOString(),
      data: {
        action_id: 999_001,
        action: 'ban',
        subject: { platform: 'default', type: 'account', id: 'u-nobody' },
        reason: 'test',
      },
    });
    const sign = (t: number, secret = webhookSecret) =>
      `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
    const post = (sig: string | null, b = body) =>
      fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(sig ? { 'vigil-signature': sig } : {}) },
        body: b,
      });
    const now = Math.floor(Date.now() / 1000);
    const bad = await post(sign(now, 'whsec_not_the_secret'));
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'bad_signature');
    assert.equal((await post(null)).status, 401, 'unsigned');
    assert.equal(
      (await post(sign(now), body.replace('u-nobody', 'u-someone-else'))).status,
      401,
      'a signature over another body',
    );
    const stale = await post(sign(now - 3600));
    assert.equal(stale.status, 401);
    assert.equal(((await stale.json()) as { error: { code: string } }).error.code, 'stale_signature');
    const ok = await post(sign(now));
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { applied: true });
    const redelivered = await post(sign(now + 1));
    assert.deepEqual(await redelivered.json(), { applied: false }, 'the same event id is applied once');
  });
});
