// Fetches media from a platform URL for a reviewer: http(s) only, no private addresses unless
// allowed, no redirects followed, a size cap and a time limit.
import { assertPublicUrl } from '../util/ssrf.ts';

export class MediaFetchError extends Error {
  constructor(readonly status: 400 | 413 | 502, message: string) {
    super(message);
  }
}

export async function fetchMedia(url: string, o: { allowPrivate: boolean; maxBytes: number; timeoutMs: number }): Promise<{ bytes: Buffer; type: string }> {
  try {
    await assertPublicUrl(url, o.allowPrivate);
  } catch (e) {
    throw new MediaFetchError(400, (e as Error).message);
  }
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs) });
  } catch (e) {
    throw new MediaFetchError(502, `could not fetch the media: ${(e as Error).message}`);
  }
  if (res.status >= 300 && res.status < 400) throw new MediaFetchError(502, 'the media URL redirects; redirects are not followed');
  if (!res.ok || !res.body) throw new MediaFetchError(502, `the media host answered HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > o.maxBytes) throw new MediaFetchError(413, `media larger than ${o.maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > o.maxBytes) throw new MediaFetchError(413, `media larger than ${o.maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  const type = res.headers.get('content-type') ?? 'application/octet-stream';
  if (!/^(image|video)\//.test(type)) throw new MediaFetchError(502, `not an image or video (${type})`);
  return { bytes: Buffer.concat(chunks), type };
}
