// Authentication and authorisation for every route, from the route's declared `access`.
// API keys: `Authorization: Bearer vk_…`. Staff: the session cookie, plus the CSRF header on writes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateApiKey } from '../auth/api-keys.ts';
import { allows, type Access, type Principal } from '../auth/roles.ts';
import { SESSION_COOKIE, sessionPrincipal } from '../auth/sessions.ts';
import type { AppContext } from '../context.ts';
import { errorBody } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route with its declared access: the route × role test walks this. */
    routeTable: { method: string; url: string; access: Access }[];
  }
}

const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Any instance (its generics differ by type provider and logger; the hooks use none of them).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registerAuth(app: FastifyInstance<any, any, any, any, any>, ctx: AppContext) {
  app.decorateRequest('principal', null);
  const table: FastifyInstance['routeTable'] = [];
  app.decorate('routeTable', table);

  // Refuse to start with a route that does not say who may call it.
  app.addHook('onRoute', (route) => {
    const cfg = (route.config ?? {}) as { access?: Access };
    if (!cfg.access) {
      // Static assets of the API docs and the console: public files, no data. The embedded relay's routes
      // (/relay/…) authenticate the messenger's own users themselves, as they do in a relay process of their own.
      if (route.url.startsWith('/docs') || route.url.startsWith('/console/') || route.url.startsWith('/relay/')) {
        route.config = { ...(route.config ?? {}), access: { public: true } } as typeof route.config;
      } else {
        throw new Error(`route ${route.method} ${route.url} declares no access`);
      }
    }
    for (const method of [route.method].flat()) {
      table.push({ method, url: route.url, access: (route.config as { access: Access }).access });
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config.access;
    if (!access)
      return reply.status(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`));
    req.principal = await resolvePrincipal(req, ctx);
    if (req.principal?.kind === 'staff' && !SAFE_METHODS.has(req.method) && !('public' in access)) {
      if (req.headers[CSRF_HEADER] !== req.principal.csrfToken) {
        return reply.status(403).send(errorBody('csrf', `missing or wrong ${CSRF_HEADER} header`));
      }
    }
    if (allows(access, req.principal)) return;
    if (!req.principal) return reply.status(401).send(errorBody('unauthenticated', 'sign in or send an API key'));
    return reply.status(403).send(errorBody('forbidden', 'you are not allowed to do this'));
  });
}

async function resolvePrincipal(req: FastifyRequest, ctx: AppContext): Promise<Principal | null> {
  const auth = req.headers.authorization;
  // A messenger device token: the embedded relay (mounted beside the API in `vigil serve`) checks its own users.
  if (auth?.startsWith('Bearer vd_')) return null;
  if (auth?.startsWith('Bearer ')) {
    const key = await authenticateApiKey(ctx.db.kysely, auth.slice(7).trim(), ctx.clock);
    return key ? { kind: 'key', keyId: key.id, platform: key.platform, scopes: key.scopes, orgId: key.orgId } : null;
  }
  const token = req.cookies?.[SESSION_COOKIE];
  if (token) return sessionPrincipal(ctx.db.kysely, token, ctx.clock);
  return null;
}
