// Uploads a hash list as it is, with progress: fetch() cannot report upload progress, so this one request goes
// through XMLHttpRequest. The server answers a list that passes its checks with progress lines while it stores
// it (application/x-ndjson), ending in the result or an error; a list that fails them is refused (400) at once.
// Errors read like api()'s (ApiError with the server's sentence).
import { ApiError } from '../api.ts';

export type Progress =
  | { phase: 'uploading'; sent: number; total: number }
  | { phase: 'checking' }
  | { phase: 'storing'; stored: number; total: number };

/** The session's CSRF token (the server repeats it on GET /v1/session; api.ts keeps its copy private). */
async function csrfToken(): Promise<string> {
  const r = await fetch('/v1/session', { credentials: 'same-origin' });
  if (!r.ok) throw new ApiError(r.status, 'Your session has ended. Sign in again.');
  return ((await r.json()) as { csrf_token: string }).csrf_token;
}

const sentence = (m: string) => m.charAt(0).toUpperCase() + m.slice(1);

export async function uploadList<T>(url: string, file: Blob, onProgress: (p: Progress) => void): Promise<T> {
  const csrf = await csrfToken();
  return new Promise<T>((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', url);
    x.withCredentials = true;
    x.setRequestHeader('content-type', 'text/plain; charset=utf-8');
    x.setRequestHeader('accept', 'application/x-ndjson, application/json');
    x.setRequestHeader('x-csrf-token', csrf);
    x.upload.onprogress = (e) =>
      onProgress({ phase: 'uploading', sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    // Every byte is sent: the server now reads and checks the whole list before storing any of it.
    x.upload.onload = () => onProgress({ phase: 'checking' });
    const lines = () =>
      x.responseText
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { stored?: number; total?: number; result?: T; error?: { message: string } });
    const streaming = () => /application\/x-ndjson/.test(x.getResponseHeader('content-type') ?? '');
    x.onprogress = () => {
      if (x.status !== 200 || !streaming()) return;
      try {
        const last = lines()
          .filter((l) => l.stored !== undefined)
          .at(-1);
        if (last) onProgress({ phase: 'storing', stored: last.stored!, total: last.total! });
      } catch {
        /* a line still arriving */
      }
    };
    x.onerror = () => reject(new ApiError(0, 'The upload failed (network). Try again.'));
    x.onload = () => {
      if (x.status === 200 && streaming()) {
        const end = lines().at(-1);
        if (end?.result) return resolve(end.result);
        return reject(
          new ApiError(
            400,
            sentence(end?.error?.message ?? 'the import stopped before it finished; nothing was stored'),
          ),
        );
      }
      let data: { error?: { message?: string; details?: unknown } } & T = {} as never;
      try {
        data = x.responseText ? JSON.parse(x.responseText) : {};
      } catch {
        /* not JSON: said by the status below */
      }
      if (x.status >= 200 && x.status < 300) return resolve(data);
      if (x.status === 401) window.dispatchEvent(new Event('vigil:unauthenticated'));
      reject(
        new ApiError(
          x.status,
          sentence(data.error?.message ?? `the server could not do that (HTTP ${x.status})`),
          data.error?.details,
        ),
      );
    };
    x.send(file);
  });
}
