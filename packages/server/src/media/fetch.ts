// Fetches media from a platform URL for a reviewer: http(s) only, no private addresses unless
// allowed, connected to the address that was checked (pinned-fetch.ts), no redirects followed,
// a size cap and a time limit.
import type { Resolver } from '../util/ssrf.ts';
import { pinnedRequest, type PinnedResponse } from '../util/pinned-fetch.ts';
import { isVigilError, VigilError } from '../errors.ts';

export async function fetchMedia(
  url: string,
  o: { allowPrivate: boolean; maxBytes: number; timeoutMs: number; resolve?: Resolver },
): Promise<{ bytes: Buffer; type: string }> {
  let res: PinnedResponse;
  try {
    res = await pinnedRequest(url, { allowPrivate: o.allowPrivate, timeoutMs: o.timeoutMs, resolve: o.resolve });
  } catch (e) {
    if (isVigilError(e, 'unsafe_url')) throw e;
    throw new VigilError('fetch_failed', `could not fetch the media: ${(e as Error).message}`);
  }
  const fail = (e: VigilError) => {
    res.cancel();
    return e;
  };
  if (res.status >= 300 && res.status < 400)
    throw fail(new VigilError('fetch_failed', 'the media URL redirects; redirects are not followed'));
  if (res.status < 200 || res.status >= 300)
    throw fail(new VigilError('fetch_failed', `the media host answered HTTP ${res.status}`));
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > o.maxBytes) throw fail(new VigilError('media_too_large', `media larger than ${o.maxBytes} bytes`));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > o.maxBytes) throw fail(new VigilError('media_too_large', `media larger than ${o.maxBytes} bytes`));
      chunks.push(chunk);
    }
  } catch (e) {
    if (isVigilError(e)) throw e;
    throw new VigilError('fetch_failed', `could not fetch the media: ${(e as Error).message}`);
  }
  const type = res.headers.get('content-type') ?? 'application/octet-stream';
  if (!/^(image|video)\//.test(type)) throw new VigilError('fetch_failed', `not an image or video (${type})`);
  return { bytes: Buffer.concat(chunks), type };
}
