import { z } from 'zod';
import { errorSchema, type RelayRoute } from '../http.ts';
import { RelayError } from '../errors.ts';
import { receive, verifySignature, type WebhookEvent } from '../webhooks.ts';

/**
 * Where the safety service delivers its webhooks for this relay (register this URL with `POST /v1/webhooks`).
 * The body is read raw: the signature covers its exact bytes.
 */
const route: RelayRoute = (app, ctx) => {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    (scope as typeof app).post('/relay/v1/webhooks/vigil', {
      schema: {
        tags: ['relay'],
        summary:
          "The safety service's webhooks (enforcement decisions, private-matching openings), signed with the endpoint's secret",
        description:
          'Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>. A bad MAC or a timestamp more than the tolerance (300 s) away is refused with 401; an event id already applied is acknowledged and ignored.',
        response: { 200: z.object({ applied: z.boolean() }), 400: errorSchema, 401: errorSchema },
      },
      handler: async (req) => {
        const raw = req.body as unknown as Buffer;
        if (!Buffer.isBuffer(raw)) throw new RelayError(400, 'invalid_request', 'send the event as a JSON body');
        verifySignature(
          ctx.o.webhookSecret,
          req.headers['vigil-signature'] as string | undefined,
          raw,
          Math.floor(ctx.now().getTime() / 1000),
          ctx.o.webhookToleranceS,
        );
        let e: WebhookEvent;
        try {
          e = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new RelayError(400, 'invalid_json', 'the body is not JSON');
        }
        if (typeof e?.id !== 'string' || typeof e.type !== 'string' || typeof e.data !== 'object' || !e.data)
          throw new RelayError(400, 'invalid_request', 'a webhook event has id, type and data');
        return receive(ctx, e);
      },
    });
  });
};
export default route;
