import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ADMIN, actorOf } from '../../auth/roles.ts';
import { assertPublicUrl } from '../../util/ssrf.ts';
import { createWebhookEndpoint } from '../../webhooks/endpoints.ts';

/** POST /v1/webhooks — register an endpoint; its signing secret is returned once. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/webhooks', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['webhooks'],
      summary: 'Register a webhook endpoint',
      description:
        'Deliveries are POSTed as JSON with a `Vigil-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` header.',
      body: z
        .object({ url: z.string().url().max(2048), events: z.array(z.string().min(1).max(100)).min(1).default(['*']) })
        .strict(),
      response: {
        201: z.object({ id: z.number(), url: z.string(), events: z.array(z.string()), secret: z.string() }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      await assertPublicUrl(req.body.url, ctx.cfg.webhooks.allowPrivateTargets);
      const { id, secret } = await createWebhookEndpoint(
        ctx.db.kysely,
        {
          url: req.body.url,
          events: req.body.events,
          actor: actorOf(req.principal),
          auditData: { url: req.body.url, events: req.body.events },
        },
        ctx.clock,
      );
      return reply.status(201).send({ id, url: req.body.url, events: req.body.events, secret });
    },
  });
};
export default route;
