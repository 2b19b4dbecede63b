// NCMEC's hash-sharing API (v2, XML, HTTP Basic): GET /v2/entries?from=&to= returns images and
// videos (and deletedImage/deletedVideo) with fingerprints, paged by a relative `next` URL.
// NCMEC does not return entries in time order, so a window [from, to] only counts as done once
// every page of it is fetched: the checkpoint keeps the window and the next page until then.
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import type { Fetcher, FetchEnv, Update } from './fetcher.ts';
import { VigilError } from '../errors.ts';
import { failIfNotOk, httpGet } from './http.ts';
import { afterPage, resumeWindow, type WindowCheckpoint } from './window.ts';

const NCMEC_ENVIRONMENTS = {
  industry: 'https://report.cybertip.org/hashsharing',
  test_industry: 'https://exttest.cybertip.org/hashsharing',
  ngo: 'https://hashsharing.ncmec.org/npo',
  test_ngo: 'https://hashsharing-test.ncmec.org/npo',
} as const;

export const ncmecConfig = z
  .object({
    base_url: z.string().url().default(NCMEC_ENVIRONMENTS.test_industry),
    username: z.string().min(1),
    password: z.string().min(1),
    /** First window start (ISO time); default: everything. */
    start: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

const fmt = (unix: number) => new Date(unix * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
// Values stay text: a hex fingerprint of digits and an `e` must never turn into a number.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ['image', 'video', 'deletedImage', 'deletedVideo'].includes(name),
});

/**
 * One page of /v2/entries. An entry is an item `ncmec:<member>-<id>` (ids are per member, as HMA
 * keys them) carrying its fingerprints; a deletedImage/deletedVideo withdraws the item by id (NCMEC
 * sends no fingerprints with it). Fingerprints other than MD5, PDQ and SHA-256 (PhotoDNA) are skipped.
 */
function parseEntries(xml: string): { updates: Update[]; next: string } {
  // Parsed XML of any shape, checked field by field below.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let doc: Record<string, any>;
  try {
    doc = parser.parse(xml);
  } catch (e) {
    throw new VigilError('exchange_error', `NCMEC: malformed XML: ${(e as Error).message}`);
  }
  // A window with no entries is an empty <queryResult/>, which the parser reads as ''.
  const root =
    doc.queryResult === '' ? {} : (doc.queryResult ?? Object.values(doc).find((v) => v && typeof v === 'object'));
  if (!root || typeof root !== 'object') throw new VigilError('exchange_error', 'NCMEC: unexpected response');
  const updates: Update[] = [];
  for (const [group, kinds] of [
    ['images', ['image', 'deletedImage']],
    ['videos', ['video', 'deletedVideo']],
  ] as const) {
    const g = root[group];
    if (!g || typeof g !== 'object') continue;
    for (const kind of kinds) {
      for (const e of g[kind] ?? []) {
        const id = text(e.id);
        if (!id) throw new VigilError('exchange_error', `NCMEC: an ${kind} without an id`);
        const member = typeof e.member === 'object' ? text(e.member['@id']) : '';
        const item = `ncmec:${member ? `${member}-` : ''}${id}`;
        if (kind.startsWith('deleted')) {
          updates.push({ external_id: item, deleted: true });
          continue;
        }
        const fp = (e.fingerprints ?? {}) as Record<string, unknown>;
        const classification = text(e.classification);
        for (const t of ['md5', 'pdq', 'sha256'] as const) {
          const v = text(fp[t]);
          if (v)
            updates.push({
              signal_type: t,
              value: v.toLowerCase(),
              external_id: item,
              ...(classification ? { tags: [`ncmec:${classification}`] } : {}),
            });
        }
      }
    }
  }
  return { updates, next: text(root.paging?.next) };
}

const text = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number'
    ? String(v).trim()
    : v && typeof v === 'object' && '#text' in v
      ? String((v as { '#text': unknown })['#text']).trim()
      : '';

export function ncmecFetcher(config: z.infer<typeof ncmecConfig>, env: FetchEnv): Fetcher {
  const base = config.base_url.replace(/\/+$/, '');
  const auth = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`;
  return {
    async *fetch(cp0, signal) {
      let cp = resumeWindow(cp0 as WindowCheckpoint | null, config.start, env.now());
      for (;;) {
        const url = cp.next ? base + cp.next : `${base}/v2/entries?from=${fmt(cp.from)}&to=${fmt(cp.to!)}`;
        const r = await httpGet(url, env, { signal, headers: { authorization: auth, accept: 'application/xml' } });
        failIfNotOk(r, 'NCMEC hash sharing');
        const page = parseEntries(r.text);
        cp = afterPage(cp, page.next || null);
        yield { updates: page.updates, checkpoint: cp };
        if (!page.next) return;
      }
    },
  };
}
