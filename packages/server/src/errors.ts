// The one error type of the server. The lowest layer: it imports nothing of the server, so any module may throw it
// and the HTTP layer maps it to `{ error: { code, message, details? } }` without knowing the module that threw.

/** Every code, with the HTTP status the API answers it with. Internal codes (never meant to reach a client) are 500. */
export const ERROR_STATUS = {
  // 400: the request is wrong
  invalid_request: 400,
  invalid_events: 400,
  invalid_csv: 400,
  invalid_cursor: 400,
  invalid_flags: 400,
  invalid_report: 400,
  invalid_rule: 400,
  invalid_term_list: 400,
  unsafe_url: 400,
  staff_error: 400,
  bank_error: 400,
  enforcement_error: 400,
  // 401/403: who is asking
  invalid_credentials: 401,
  unauthenticated: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  // 409: the state does not allow it
  conflict: 409,
  bulk_refused: 409,
  break_due: 409,
  draft_changed: 409,
  endpoint_deleted: 409,
  ncmec_not_configured: 409,
  not_handed_over: 409,
  destroyed: 410,
  body_too_large: 413,
  media_too_large: 413,
  unsupported_media_type: 415,
  undecodable_media: 422,
  decode_timeout: 422,
  rate_limited: 429,
  exposure_limit: 429,
  // 5xx: our side or an upstream service
  internal: 500,
  decrypt_failed: 500,
  vault_integrity: 500,
  vault_key_missing: 500,
  exchange_error: 502,
  fetch_failed: 502,
  decoder_busy: 503,
  // internal control flow and start-up
  item_failed: 500,
  lease_lost: 500,
  not_run: 500,
  invalid_config: 500,
  key_config: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorOptions {
  /** Extra response headers (retry-after on 429 and 503). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class VigilError extends Error {
  readonly status: number;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigilError';
    this.status = ERROR_STATUS[code];
    if (options?.headers) this.headers = options.headers;
  }
}

export const notFound = (what: string) => new VigilError('not_found', `${what} not found`);

/** True for a VigilError (of `code`, when given). */
export function isVigilError(e: unknown, code?: ErrorCode): e is VigilError {
  return e instanceof VigilError && (code === undefined || e.code === code);
}
