// The architecture as rules (docs/architecture.md). Run: npx depcruise packages --config .dependency-cruiser.cjs
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Each package's public files, read from its package.json "exports" ("." and declared subpaths), so a new subpath
// export is allowed without touching this file.
const publicEntries = readdirSync(join(__dirname, 'packages')).flatMap((name) => {
  const manifest = join(__dirname, 'packages', name, 'package.json');
  if (!existsSync(manifest)) return [];
  const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports ?? {};
  const targets = typeof exports === 'string' ? [exports] : Object.values(exports);
  return targets.map((t) => `packages/${name}/${t.replace(/^\.\//, '')}`);
});
const PUBLIC = `^(${publicEntries.map(esc).join('|')})$`;

const BROWSER_SAFE = [
  '^packages/text/src/',
  '^packages/pdq/src/core(\\.ts$|/)',
  '^packages/crypto/src/',
  '^packages/matcher/src/(?!snapshot\\.ts$)', // snapshots are Node-only, behind @vigil/matcher/snapshot
  '^packages/ncmec/src/model\\.ts$',
];

// packages/server/src: the lower layers every part may use, and what sits above them.
const S = '^packages/server/src/';
const LOWER = [
  'db/',
  'util/',
  'config\\.ts$',
  'context\\.ts$',
  'keys/',
  'audit/',
  'auth/',
  'queue/',
  'metrics/',
  'webhooks/',
];
const DOMAIN = ['ingest/', 'detect/', 'review/', 'legal/', 'flags/', 'media/', 'psi/', 'reports/', 'exchanges/'];
// The wiring (routes, HTTP, the demo seed and the processes) sits on top of the domain.
const WIRING = [
  'api/',
  'http/',
  'demo/',
  'service\\.ts$',
  'worker-service\\.ts$',
  'app\\.ts$',
  'embedded-relay\\.ts$',
  'index\\.ts$',
];
const under = (parts) => `${S}(${parts.join('|')})`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-package-internals',
      severity: 'error',
      comment:
        "Another package's code is reached only through its public entry (`@vigil/x` or a subpath it exports), " +
        'never packages/x/src/... — so each package can change its insides without breaking its users.',
      from: { path: '^packages/([^/]+)/src/' },
      to: { path: '^packages/([^/]+)/', pathNot: [PUBLIC, '^packages/$1/'] },
    },
    {
      name: 'no-relative-cross-package',
      severity: 'error',
      comment: 'Import another package by its name (`@vigil/x`), not by a relative path into its folder.',
      from: { path: '^packages/([^/]+)/src/' },
      to: { path: '^packages/([^/]+)/', pathNot: '^packages/$1/', dependencyTypes: ['local'] },
    },
    {
      name: 'browser-safe-stays-browser-safe',
      severity: 'error',
      comment:
        'Browser-safe code (text, pdq core, crypto, matcher, the ncmec model) never pulls in the service, relay, CLI or console.',
      from: { path: BROWSER_SAFE },
      to: { path: '^packages/(server|relay|cli|console)/' },
    },
    {
      name: 'browser-safe-no-node-builtins',
      severity: 'error',
      comment:
        'Browser-safe code runs without Node: no node: built-ins (put Node-only code behind its own subpath export).',
      from: { path: BROWSER_SAFE },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'service-not-on-client-sdk',
      severity: 'error',
      comment:
        'The service and the relay never depend on the client SDK (shared crypto lives in @vigil/crypto) nor on the console.',
      from: { path: '^packages/(server|relay)/src/' },
      to: { path: '^packages/(sdk|console)/' },
    },
    {
      name: 'server-lower-layer-imports-higher',
      severity: 'error',
      comment:
        'Storage, config, keys, audit, auth, queue, metrics and webhooks are the base every module uses; they never ' +
        'import a domain module, a route or the wiring.',
      from: { path: under(LOWER) },
      to: { path: under([...DOMAIN, ...WIRING]) },
    },
    {
      name: 'server-domain-imports-routes',
      severity: 'error',
      comment:
        'Routes (api/, http/) are thin and import the domain; the domain never imports a route, the HTTP layer or the wiring.',
      from: { path: under(DOMAIN) },
      to: { path: under(WIRING) },
    },
    {
      name: 'server-modules-through-their-index',
      severity: 'error',
      comment:
        "A domain module's files are its own: other server code (other modules, the routes, the wiring) uses only what " +
        "the module's index.ts exports (review's requestReview and decision subscribers, the banks' index, …). Tests may " +
        'reach inside to set up state.',
      from: { path: '^(packages/server/src/[^/]+)' },
      to: {
        path: `${S}(ingest|detect|review|media|legal|flags|psi|reports|exchanges)/`,
        pathNot: ['^$1/', '/index\\.ts$'],
      },
    },
    {
      name: 'server-domain-layers',
      severity: 'error',
      comment:
        'Domain modules depend downwards only (docs/architecture.md, "Modules"): ingest and review at the bottom, then media ' +
        'and reports, then detect and legal, then psi, flags and exchanges. Review learns of later modules only as named ' +
        'subscribers of its jobs.',
      from: { path: `${S}(ingest|review)/` },
      to: { path: `${S}(media|reports|detect|legal|psi|flags|exchanges)/` },
    },
    {
      name: 'server-domain-layers-middle',
      severity: 'error',
      comment: 'Banks (media) and reports sit below detection and legal: they never import them, nor the top row.',
      from: { path: `${S}(media|reports)/` },
      to: { path: `${S}(detect|legal|psi|flags|exchanges)/` },
    },
    {
      name: 'server-domain-layers-upper',
      severity: 'error',
      comment: 'Detection and legal never import the top row (psi, flags, exchanges).',
      from: { path: `${S}(detect|legal)/` },
      to: { path: `${S}(psi|flags|exchanges)/` },
    },
    {
      name: 'server-folder-cycle',
      severity: 'error',
      comment: 'Folders of packages/server/src depend one way: no folder reaches back to itself through another.',
      scope: 'folder',
      from: { path: `${S}[^/]+$` },
      to: { path: `${S}[^/]+$`, circular: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles in the other packages (they make load order matter and block splitting modules).',
      from: { path: '^packages/', pathNot: S },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing fails at run time.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', 'packages/pdq/test/fixtures/', 'packages/sdk/test/vectors/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    // node:sqlite exists from Node 22; db/sqlite-driver.ts loads it only on Node >= 24.
    builtInModules: { add: ['sqlite', 'node:sqlite'] },
    skipAnalysisNotInRules: true,
  },
};
