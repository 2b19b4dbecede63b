// Serves the review console's built files under /console. The console has no privileges of its own:
// it calls the same API, which checks every request.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { VigilApp } from './route.ts';

const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist', import.meta.url));

export async function registerConsole(app: VigilApp) {
  if (!existsSync(CONSOLE_DIST)) {
    app.get('/console/*', { config: { access: { public: true } }, schema: { hide: true } }, async (_req, reply) =>
      reply
        .status(503)
        .type('text/plain')
        .send('The console is not built. Run `npm run build` (npm start does it for you).'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: CONSOLE_DIST, prefix: '/console/', index: 'index.html', wildcard: true });
  app.get('/console', { config: { access: { public: true } }, schema: { hide: true } }, async (_req, reply) =>
    reply.redirect('/console/'),
  );
  // The console's own URLs (a reload or a shared link) all load the app, which then shows that view.
  for (const path of [
    '/console/queue',
    '/console/cases/:id',
    '/console/flags',
    '/console/outbox',
    '/console/settings',
    '/console/team',
    '/console/legal',
    '/console/legal/*',
    '/console/admin',
    '/console/admin/*',
  ]) {
    app.get(path, { config: { access: { public: true } }, schema: { hide: true } }, async (_req, reply) =>
      reply.header('cache-control', 'no-cache').sendFile('index.html'),
    );
  }
}
