import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../src/config.ts';
import { isVigilError } from '../src/errors.ts';
import { CLI_MAIN } from './process.ts';

describe('configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cfg-'));
  const file = join(dir, 'vigil.json');
  writeFileSync(file, JSON.stringify({ port: 9000, logLevel: 'warn', workers: 2 }));

  it('has defaults: port 8080, data ./data, SQLite', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.port, 8080);
    assert.equal(c.dataDir, join(process.cwd(), 'data'));
    assert.equal(c.databaseUrl, undefined);
  });

  it('layers file < environment < flags', () => {
    assert.equal(loadConfig({ env: {}, file }).port, 9000);
    assert.equal(loadConfig({ env: { PORT: '9100' }, file }).port, 9100);
    const c = loadConfig({ env: { PORT: '9100', VIGIL_DATA: '/tmp/x' }, file, flags: { port: '9200' } });
    assert.equal(c.port, 9200);
    assert.equal(c.dataDir, '/tmp/x');
    assert.equal(c.workers, 2);
  });

  it('explains bad values and where they came from', () => {
    assert.throws(
      () => loadConfig({ env: { PORT: 'eighty' } }),
      (e: unknown) => isVigilError(e, 'invalid_config') && /port.*environment variable PORT/.test(e.message),
    );
    assert.throws(() => loadConfig({ env: { DATABASE_URL: 'mysql://x' } }), /postgres:\/\/ URL/);
    writeFileSync(join(dir, 'bad.json'), '{ port: 1');
    assert.throws(() => loadConfig({ env: {}, file: join(dir, 'bad.json') }), /not valid JSON/);
    writeFileSync(join(dir, 'unknown.json'), '{"prot": 1}');
    assert.throws(() => loadConfig({ env: {}, file: join(dir, 'unknown.json') }), /prot/);
    assert.throws(() => loadConfig({ env: {}, file: join(dir, 'missing.json') }), /not found/);
  });

  it('makes `vigil serve` exit with a clear message on bad configuration', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI_MAIN, 'serve', '--port', 'abc'], {
      encoding: 'utf8',
      env: { ...process.env, VIGIL_DATA: dir },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /vigil: invalid configuration:\n {2}- port: .*flag --port/);
  });
});
