// One error shape for the whole API: { error: { code, message, details? } }.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { InvalidBatchError } from '../ingest/ingest.ts';
import { LoginError } from '../auth/sessions.ts';
import { StaffError } from '../auth/staff.ts';
import { BankError } from '../media/banks.ts';
import { ExchangeError } from '../exchanges/fetcher.ts';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers (retry-after on 503). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function handleError(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof HttpError) {
    if (err.headers) reply.headers(err.headers);
    return reply.status(err.statusCode).send(errorBody(err.code, err.message, err.details));
  }
  if (err instanceof InvalidBatchError) return reply.status(400).send(errorBody('invalid_events', err.message, err.problems));
  if (err instanceof LoginError) {
    if (err.retryAfterSec) reply.header('retry-after', String(err.retryAfterSec));
    return reply.status(err.status).send(errorBody(err.status === 429 ? 'rate_limited' : 'invalid_credentials', err.message));
  }
  if (err instanceof StaffError) return reply.status(err.status).send(errorBody('staff_error', err.message));
  if (err instanceof BankError) return reply.status(err.status).send(errorBody('bank_error', err.message));
  if (err instanceof ExchangeError) return reply.status(err.status).send(errorBody('exchange_error', err.message));
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => ({ path: (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.') || '(root)', message: v.message }));
    return reply.status(400).send(errorBody('invalid_request', `invalid ${err.validationContext ?? 'request'}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details));
  }
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send(errorBody('body_too_large', `request body is larger than the limit of ${req.routeOptions.bodyLimit ?? '?'} bytes`));
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.status(415).send(errorBody('unsupported_media_type', fe.message));
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fe.message) ? 'invalid_json' : 'bad_request';
    return reply.status(fe.statusCode).send(errorBody(code, fe.message));
  }
  req.log.error({ err }, 'unhandled error');
  return reply.status(500).send(errorBody('internal', 'internal server error'));
}
