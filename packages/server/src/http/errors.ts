// One error shape for the whole API: { error: { code, message, details? } }.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { VigilError } from '../errors.ts';

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function handleError(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof VigilError) {
    if (err.headers) reply.headers(err.headers);
    if (err.status >= 500) req.log.error({ err }, 'server error');
    return reply.status(err.status).send(errorBody(err.code, err.message, err.details));
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => ({
      path: (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.') || '(root)',
      message: v.message,
    }));
    return reply
      .status(400)
      .send(
        errorBody(
          'invalid_request',
          `invalid ${err.validationContext ?? 'request'}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
          details,
        ),
      );
  }
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return reply
      .status(413)
      .send(
        errorBody(
          'body_too_large',
          `request body is larger than the limit of ${req.routeOptions.bodyLimit ?? '?'} bytes`,
        ),
      );
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return reply.status(415).send(errorBody('unsupported_media_type', fe.message));
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fe.message) ? 'invalid_json' : 'bad_request';
    return reply.status(fe.statusCode).send(errorBody(code, fe.message));
  }
  req.log.error({ err }, 'unhandled error');
  return reply.status(500).send(errorBody('internal', 'internal server error'));
}
