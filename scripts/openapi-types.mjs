#!/usr/bin/env node
// Generates the console's API types (packages/console/src/api/schema.ts) from the server's OpenAPI document.
// The app is built in process the way the tests build it (a temporary SQLite database), so no server has to run.
// packages/console/test/api-types.test.ts regenerates the file in memory and fails when the committed one differs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SCHEMA_PATH = fileURLToPath(new URL('../packages/console/src/api/schema.ts', import.meta.url));
const HEADER = [
  "// Generated from the server's OpenAPI document (GET /openapi.json) by `node scripts/openapi-types.mjs`.",
  "// Do not edit by hand: change the route's zod response schema under packages/server/src/api and regenerate.",
  '',
  '',
].join('\n');

/** The OpenAPI document the server publishes, from an app built on a throwaway SQLite database. */
export async function openapiDocument() {
  const { testApp } = await import('../packages/server/test/helpers.ts');
  const ta = await testApp('sqlite');
  try {
    return ta.app.swagger();
  } finally {
    await ta.close();
  }
}

/** The text of schema.ts for the server as it is now. */
export async function generateSchema() {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const doc = await openapiDocument();
  return HEADER + astToString(await openapiTS(doc));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Run directly with plain node: load TypeScript through tsx, as `npm test` does.
  const { register } = await import('tsx/esm/api');
  register();
  writeFileSync(SCHEMA_PATH, await generateSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
}
