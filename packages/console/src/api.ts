// The console talks to the same API as everyone else; the server enforces every permission.
let csrf = '';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : {};
  // A session that ended mid-work: back to the sign-in form, on the same URL, so signing in resumes the view.
  if (res.status === 401 && path !== '/v1/session') window.dispatchEvent(new Event('vigil:unauthenticated'));
  if (!res.ok) throw new ApiError(res.status, sentence(res.status, data?.error), data?.error?.details);
  if (data?.csrf_token) csrf = data.csrf_token;
  return data as T;
}

/** Server errors as sentences a reviewer can act on (validation details are rewritten, not shown raw). */
function sentence(status: number, e: { code?: string; message?: string; details?: unknown } | undefined): string {
  if (status === 401 && e?.code !== 'invalid_credentials') return 'Your session has ended. Sign in again.';
  if (status === 403 && e?.code !== 'forbidden')
    return e?.message ? capitalise(e.message) : 'You are not allowed to do that.';
  if (e?.code === 'invalid_request' && Array.isArray(e.details)) {
    const parts = (e.details as { path: string; message: string }[]).map((d) =>
      d.path === 'reason'
        ? 'Give a reason.'
        : d.path === 'text'
          ? 'Write the note first.'
          : `Check ${d.path.replace(/_/g, ' ')}: ${d.message}.`,
    );
    return [...new Set(parts)].join(' ');
  }
  if (!e?.message) return `The server could not do that (HTTP ${status}). Try again.`;
  return capitalise(e.message.endsWith('.') ? e.message : `${e.message}.`);
}
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
