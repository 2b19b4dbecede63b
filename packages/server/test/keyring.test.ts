// Keys every process agrees on (keys/keyring.ts): from configuration, or from the shared database sealed with the
// key-encryption key, created once under a lock; SQLite without one keeps key files; refusal where a process would
// otherwise make a second key. Two real processes starting at the same moment on PostgreSQL read each other's items.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIALECTS, TEST_KEK, openTestDb, testConfig, type TestDb } from './helpers.ts';
import { loadKeyring } from '../src/keys/keyring.ts';
import { isVigilError } from '../src/errors.ts';
import { vaultKeys } from '../src/legal/vault-keys.ts';
import { psiKeys } from '../src/psi/keys.ts';
import { relayKeys } from '../src/reports/relay-keys.ts';
import type { Config } from '../src/config.ts';

const OTHER_KEK = Buffer.alloc(32, 9).toString('base64');
/** A process on another machine: same database, its own data directory. */
const peerConfig = (t: TestDb, extra: Partial<Config> = {}): Config => ({
  ...testConfig(t),
  dataDir: mkdtempSync(join(tmpdir(), 'vigil-peer-')),
  ...extra,
});
const fingerprintOf = (cfg: Config) =>
  JSON.stringify([vaultKeys(cfg), psiKeys(cfg).signingPublic, [...relayKeys(cfg).franking]], (_k, v) =>
    v instanceof Map ? [...v] : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );

for (const dialect of DIALECTS) {
  describe(`keyring (${dialect})`, () => {
    it('with a key-encryption key, processes starting together create each key set once in the database and agree on it', async () => {
      const t = await openTestDb(dialect);
      try {
        const cfgs = Array.from({ length: 4 }, () => peerConfig(t, { keyEncryptionKey: TEST_KEK }));
        const loaded = await Promise.all(cfgs.map((c) => loadKeyring(t.db, c)));
        assert.deepEqual(loaded[0]!.source, { vault: 'database', psi: 'database', relay: 'database' });
        const prints = new Set(cfgs.map(fingerprintOf));
        assert.equal(prints.size, 1, 'every process has the same keys');
        const rows = await t.db.kysely.selectFrom('key_material').selectAll().orderBy('name').execute();
        assert.deepEqual(
          rows.map((r) => r.name),
          ['psi', 'relay', 'vault'],
        );
        // Sealed at rest: the vault key's bytes are not in the row.
        const vaultKey = Object.values(cfgs[0]!.vault.keys)[0]!;
        assert.ok(
          !rows.some(
            (r) => r.sealed.includes(vaultKey) || r.sealed.includes(Buffer.from(vaultKey, 'base64').toString('hex')),
          ),
        );
        // A process given another key-encryption key refuses to start instead of making its own keys.
        await assert.rejects(
          loadKeyring(t.db, peerConfig(t, { keyEncryptionKey: OTHER_KEK })),
          (e: Error) => isVigilError(e, 'key_config') && /different key-encryption key/.test(e.message),
        );
      } finally {
        await t.cleanup();
      }
    });

    it("keeps a data directory's existing key file as the shared key, and refuses a process whose file disagrees", async () => {
      const t = await openTestDb(dialect);
      try {
        const first = peerConfig(t, { keyEncryptionKey: TEST_KEK });
        const legacy = { active: 'old-1', keys: { 'old-1': Buffer.alloc(32, 1).toString('base64') } };
        writeFileSync(join(first.dataDir, 'vault-keys.json'), JSON.stringify(legacy));
        await loadKeyring(t.db, first);
        assert.deepEqual(first.vault.keys, legacy.keys, 'items sealed with the file key stay readable');
        assert.equal(first.vault.activeKey, 'old-1');

        const second = peerConfig(t, { keyEncryptionKey: TEST_KEK });
        writeFileSync(
          join(second.dataDir, 'vault-keys.json'),
          JSON.stringify({ active: 'local-1', keys: { 'local-1': Buffer.alloc(32, 2).toString('base64') } }),
        );
        await assert.rejects(
          loadKeyring(t.db, second),
          (e: Error) => isVigilError(e, 'key_config') && /second key/.test(e.message),
        );
      } finally {
        await t.cleanup();
      }
    });

    it('takes keys from configuration without storing anything', async () => {
      const t = await openTestDb(dialect);
      try {
        const seed = peerConfig(t, { keyEncryptionKey: TEST_KEK });
        await loadKeyring(t.db, seed); // a complete set of keys to configure
        await t.db.kysely.deleteFrom('key_material').execute();
        const cfg = peerConfig(t, { vault: { ...seed.vault }, psi: { ...seed.psi }, relay: { ...seed.relay } });
        assert.deepEqual((await loadKeyring(t.db, cfg)).source, { vault: 'config', psi: 'config', relay: 'config' });
        assert.equal((await t.db.kysely.selectFrom('key_material').selectAll().execute()).length, 0);
        assert.equal(fingerprintOf(cfg), fingerprintOf(seed));
      } finally {
        await t.cleanup();
      }
    });
  });
}

describe('keyring without a key-encryption key', () => {
  it('SQLite: one data directory, key files created once even by loads racing each other', async () => {
    const t = await openTestDb('sqlite');
    try {
      const cfgs = Array.from({ length: 4 }, () => testConfig(t));
      const loaded = await Promise.all(cfgs.map((c) => loadKeyring(t.db, c)));
      assert.deepEqual(loaded[0]!.source, { vault: 'file', psi: 'file', relay: 'file' });
      assert.equal(new Set(cfgs.map(fingerprintOf)).size, 1);
      const onDisk = JSON.parse(readFileSync(join(t.dataDir, 'vault-keys.json'), 'utf8'));
      assert.deepEqual(cfgs[0]!.vault.keys, onDisk.keys);
    } finally {
      await t.cleanup();
    }
  });

  it('PostgreSQL: refuses to start rather than create keys of its own', async () => {
    const t = await openTestDb('postgres');
    try {
      const cfg = peerConfig(t);
      await assert.rejects(
        loadKeyring(t.db, cfg),
        (e: Error) =>
          isVigilError(e, 'key_config') && /keyEncryptionKey/.test(e.message) && /vault, psi, relay/.test(e.message),
      );
      assert.equal((await t.db.kysely.selectFrom('key_material').selectAll().execute()).length, 0);
    } finally {
      await t.cleanup();
    }
  });
});

const PEER = fileURLToPath(new URL('./fixtures/keyring-peer.ts', import.meta.url));

function runPeer(
  env: Record<string, string | undefined>,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PEER, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('two processes starting at the same moment on PostgreSQL', { timeout: 120_000 }, () => {
  it('create one vault key between them and each opens what the other sealed', async () => {
    const t = await openTestDb('postgres');
    try {
      const startAt = String(Date.now() + 4000); // both load their keys at this instant
      const env = (dir: string) => ({
        DATABASE_URL: t.env.DATABASE_URL,
        VIGIL_DATA: dir,
        VIGIL_KEY_ENCRYPTION_KEY: TEST_KEK,
      });
      const [a, b] = await Promise.all([
        runPeer(env(mkdtempSync(join(tmpdir(), 'vigil-a-'))), ['alpha', 'beta', startAt]),
        runPeer(env(mkdtempSync(join(tmpdir(), 'vigil-b-'))), ['beta', 'alpha', startAt]),
      ]);
      assert.equal(a.code, 0, a.err);
      assert.equal(b.code, 0, b.err);
      assert.deepEqual(JSON.parse(a.out), { name: 'alpha', active: 'local-1', read: 'sealed by beta' });
      assert.deepEqual(JSON.parse(b.out), { name: 'beta', active: 'local-1', read: 'sealed by alpha' });
      assert.equal(
        (await t.db.kysely.selectFrom('key_material').select('name').where('name', '=', 'vault').execute()).length,
        1,
      );
    } finally {
      await t.cleanup();
    }
  });

  it('both refuse to start without a key-encryption key or configured keys', async () => {
    const t = await openTestDb('postgres');
    try {
      const startAt = String(Date.now() + 3000);
      const env = (dir: string) => ({
        DATABASE_URL: t.env.DATABASE_URL,
        VIGIL_DATA: dir,
        VIGIL_KEY_ENCRYPTION_KEY: '',
      });
      const runs = await Promise.all([
        runPeer(env(mkdtempSync(join(tmpdir(), 'vigil-a-'))), ['alpha', 'beta', startAt]),
        runPeer(env(mkdtempSync(join(tmpdir(), 'vigil-b-'))), ['beta', 'alpha', startAt]),
      ]);
      for (const r of runs) {
        assert.notEqual(r.code, 0);
        assert.match(r.err, /every process must use the same keys/);
      }
      assert.equal((await t.db.kysely.selectFrom('vault_items').selectAll().execute()).length, 0, 'nothing was sealed');
    } finally {
      await t.cleanup();
    }
  });
});
