// Each API method lives in its own file under api/ and exports one `RouteModule`.
import type {
  FastifyInstance,
  FastifyBaseLogger,
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Principal } from '../auth/roles.ts';
import { VigilError } from '../errors.ts';

export type VigilApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
export type RouteModule = (app: VigilApp, ctx: AppContext) => void;

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = { 401: errorSchema, 403: errorSchema } as const;

export function staffOf(p: Principal | null) {
  if (p?.kind !== 'staff') throw new VigilError('forbidden', 'staff session required');
  return p;
}

export function keyOf(p: Principal | null) {
  if (p?.kind !== 'key') throw new VigilError('forbidden', 'an API key is required');
  return p;
}
