// The console's API types (src/api/schema.ts) are generated from the server's OpenAPI document. This test
// generates them again, in memory, from the server as it is now, and fails when the committed file differs:
// a route's response schema changed and the console's types would have drifted from it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const script = new URL('../../../scripts/openapi-types.mjs', import.meta.url).href;
const { generateSchema, SCHEMA_PATH } = (await import(script)) as {
  generateSchema: () => Promise<string>;
  SCHEMA_PATH: string;
};

describe('console API types', () => {
  it('schema.ts is what the server publishes at /openapi.json', async () => {
    const fresh = await generateSchema();
    const committed = readFileSync(SCHEMA_PATH, 'utf8');
    if (fresh === committed) return;
    // Name the first line that differs, so the failure says what moved.
    const a = committed.split('\n'),
      b = fresh.split('\n');
    const i = a.findIndex((line, k) => line !== b[k]);
    assert.fail(
      `packages/console/src/api/schema.ts is out of date with the server's OpenAPI document: run \`node scripts/openapi-types.mjs\` and commit the result.\n` +
        `first difference at line ${i + 1}:\n  committed: ${a[i] ?? '(end of file)'}\n  generated: ${b[i] ?? '(end of file)'}`,
    );
  });
});
