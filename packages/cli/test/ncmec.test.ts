import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateNcmecXml } from '@vigil/ncmec';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'ncmec', ...args], { encoding: 'utf8' });

describe('vigil ncmec render', () => {
  it('--example prints a complete report that validates against the XSD', async () => {
    const r = run('render', '--example');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<report>\n {2}<incidentSummary>/);
    for (const part of [
      '<incidentType>',
      '<reporter>',
      '<personOrUserReported>',
      '<ipCaptureEvent>',
      '<espIdentifier>u-1005</espIdentifier>',
    ])
      assert.ok(r.stdout.includes(part), part);
    await validateNcmecXml(r.stdout);
    const fd = run('render', '--example', '--file-details');
    await validateNcmecXml(fd.stdout);
    assert.match(fd.stdout, /<originalFileHash hashType="MD5">/);
    assert.equal(run('render').status, 1);
  });
});
