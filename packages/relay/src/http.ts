// HTTP plumbing shared by the relay's routes: the Fastify type with zod schemas, the signed-in messenger
// user, and the error shape for the OpenAPI document.
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RelayContext } from './context.ts';
import { RelayError } from './errors.ts';
import type { RelayUser } from './relay-user.ts';

export type RelayApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
export type RelayRoute = (app: RelayApp, ctx: RelayContext) => void;

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export const authErrors = { 401: errorSchema } as const;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A relay route for signed-in messenger users (a device token); without it, the route is public. */
    relayUsers?: boolean;
  }
  interface FastifyRequest {
    relayUser: RelayUser | null;
  }
}

export function userOf(req: FastifyRequest): RelayUser {
  if (!req.relayUser) throw new RelayError(401, 'unauthenticated', 'sign in to the relay');
  return req.relayUser;
}
