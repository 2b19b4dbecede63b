// Uploads a file as it is, with progress. fetch() cannot report upload progress, so this one request goes
// through XMLHttpRequest; errors read like api()'s (ApiError with the server's message and details).
import { ApiError } from '../api.ts';

export interface Progress { phase: 'uploading' | 'processing'; sent: number; total: number }

/** The session's CSRF token (the server repeats it on GET /v1/session; api.ts keeps its copy private). */
async function csrfToken(): Promise<string> {
  const r = await fetch('/v1/session', { credentials: 'same-origin' });
  if (!r.ok) throw new ApiError(r.status, 'Your session has ended. Sign in again.');
  return ((await r.json()) as { csrf_token: string }).csrf_token;
}

export async function uploadText<T>(url: string, file: Blob, onProgress: (p: Progress) => void): Promise<T> {
  const csrf = await csrfToken();
  return new Promise<T>((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', url);
    x.withCredentials = true;
    x.setRequestHeader('content-type', 'text/plain; charset=utf-8');
    x.setRequestHeader('x-csrf-token', csrf);
    x.upload.onprogress = (e) => onProgress({ phase: 'uploading', sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    // Once every byte is sent the server parses, checks and stores the list in one transaction.
    x.upload.onload = () => onProgress({ phase: 'processing', sent: file.size, total: file.size });
    x.onerror = () => reject(new ApiError(0, 'The upload failed (network). Try again.'));
    x.onload = () => {
      let data: { error?: { message?: string; details?: unknown } } = {};
      try {
        data = x.responseText ? JSON.parse(x.responseText) : {};
      } catch {
        /* not JSON: fall through to the status */
      }
      if (x.status >= 200 && x.status < 300) return resolve(data as T);
      if (x.status === 401) window.dispatchEvent(new Event('vigil:unauthenticated'));
      const m = data.error?.message ?? `The server could not do that (HTTP ${x.status}).`;
      reject(new ApiError(x.status, m.charAt(0).toUpperCase() + m.slice(1), data.error?.details));
    };
    x.send(file);
  });
}
