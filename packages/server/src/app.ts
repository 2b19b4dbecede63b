// Builds the HTTP application: Fastify with zod schemas, the OpenAPI document, auth, and every route.
import Fastify, { type FastifyBaseLogger, type FastifyPluginAsync } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { routes } from './api/index.ts';
import type { AppContext } from './context.ts';
import { registerAuth } from './http/auth-hook.ts';
import { handleError } from './http/errors.ts';
import { registerConsole } from './http/console.ts';
import type { VigilApp, RouteModule } from './http/route.ts';
import { decodeLimiter } from './media/index.ts';
import { registerHttpMetrics } from './metrics/http.ts';

export const VERSION = '0.1.0';

/** `plugins`: whole sub-applications mounted beside the API (the embedded relay), each in its own context. */
export async function buildApp(
  ctx: AppContext,
  extraRoutes: RouteModule[] = [],
  plugins: FastifyPluginAsync[] = [],
): Promise<VigilApp> {
  decodeLimiter.configure(ctx.cfg.decode); // process-wide: one decode budget for the whole server
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: ctx.cfg.bodyLimitBytes,
    trustProxy: ctx.cfg.trustProxy
      ? ctx.cfg.trustProxy
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  await app.register(cookie);
  // Text bodies (hash lists, CSV) as strings; each route's bodyLimit applies.
  for (const type of ['text/plain', 'text/csv'])
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // Uploads (hashing, matching): routes read parts themselves with per-route size limits.
  await app.register(multipart, { limits: { fileSize: ctx.cfg.media.maxBytes, files: 2, fields: 20 } });
  registerAuth(app, ctx); // before any plugin adds routes, so every route passes through it
  registerHttpMetrics(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Vigil API',
        version: VERSION,
        description: 'Child-safety service for end-to-end-encrypted messaging.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Platform API key: `Authorization: Bearer vk_…`' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'vigil_session',
            description: 'Staff session from POST /v1/session; writes also need the `x-csrf-token` header.',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { config: { access: { public: true } }, schema: { hide: true } }, async () => app.swagger());
  for (const r of [...routes, ...extraRoutes]) r(app, ctx);
  for (const p of plugins) await app.register(p);
  await registerConsole(app);
  return app;
}
