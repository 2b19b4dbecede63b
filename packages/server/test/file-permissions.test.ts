// The data directory holds reported plaintext (vigil.db and its WAL) and keys: owner-only on creation,
// and a start-up warning for existing files that other local users can read.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { connect } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { loadConfig } from '../src/config.ts';
import { vaultKeys } from '../src/legal/vault-keys.ts';
import { psiKeys } from '../src/psi/keys.ts';
import { relayKeys } from '../src/reports/relay-keys.ts';
import { startService } from '../src/service.ts';

const modeOf = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe('file permissions of the data directory', () => {
  let root = '';
  let oldUmask = 0;
  before(() => {
    // The usual umask, under which files are created 0644 unless Vigil asks for less.
    oldUmask = process.umask(0o022);
    root = mkdtempSync(join(tmpdir(), 'vigil-perms-'));
  });
  after(() => {
    process.umask(oldUmask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates vigil.db, its -wal and -shm 0600 in a 0700 directory', async () => {
    const dir = join(root, 'fresh', 'data');
    const path = join(dir, 'vigil.db');
    const db = connect({ sqlitePath: path });
    try {
      await migrateToLatest(db); // writes, so SQLite creates the WAL and shared-memory files
      assert.ok(
        existsSync(`${path}-wal`) && existsSync(`${path}-shm`),
        'WAL mode files exist while the database is open',
      );
      assert.equal(modeOf(path), '600');
      assert.equal(modeOf(`${path}-wal`), '600');
      assert.equal(modeOf(`${path}-shm`), '600');
      assert.equal(modeOf(dir), '700');
      assert.equal(modeOf(join(root, 'fresh')), '700');
    } finally {
      await db.close();
    }
  });

  it('writes vault, PSI and relay key files 0600, creating the directory 0700 (a PostgreSQL setup has no vigil.db to create it)', () => {
    const dataDir = join(root, 'keys-only');
    const cfg = loadConfig({ env: {}, flags: { dataDir } });
    vaultKeys(cfg);
    psiKeys(cfg);
    relayKeys(cfg);
    assert.equal(modeOf(dataDir), '700');
    for (const f of ['vault-keys.json', 'psi-keys.json', 'relay-keys.json'])
      assert.equal(modeOf(join(dataDir, f)), '600', f);
  });

  it('warns at start-up about an existing database and key file that others can read', async () => {
    const dataDir = join(root, 'old');
    const path = join(dataDir, 'vigil.db');
    const db = connect({ sqlitePath: path });
    await migrateToLatest(db);
    await db.close();
    vaultKeys(loadConfig({ env: {}, flags: { dataDir } }));
    chmodSync(path, 0o644); // as an older version created it
    chmodSync(join(dataDir, 'vault-keys.json'), 0o640);

    const lines: { level: number; msg: string; path?: string }[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(String(chunk))), cb()) });
    const cfg = loadConfig({ env: {}, flags: { dataDir, workers: 0 } });
    const svc = await startService(
      { ...cfg, exchanges: { ...cfg.exchanges, enabled: false } },
      { log: pino({ level: 'warn' }, sink), listen: false },
    );
    await svc.stop();
    const warned = lines.filter((l) => l.level === 40).map((l) => l.path);
    assert.ok(warned.includes(path), `a warning names vigil.db: ${JSON.stringify(lines)}`);
    assert.ok(warned.includes(join(dataDir, 'vault-keys.json')), 'a warning names the key file');
    assert.ok(!warned.includes(dataDir), 'the 0700 directory is not flagged');
    assert.equal(modeOf(path), '644', "an existing file is only reported, not changed behind the operator's back");
  });
});
