import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { OPS, actorOf } from '../../auth/roles.ts';
import { addEntries, bankByName, normaliseHash, parsePlainList } from '../../media/index.ts';
import { LIST_FORMATS, checkPlainLines, parseHmaCsv, parseList, sniffFormat } from '../../media/index.ts';
import { isVigilError, VigilError } from '../../errors.ts';

const entry = z.object({
  signal_type: z.enum(['pdq', 'md5', 'sha256']),
  value: z.string(),
  source: z.string().max(200).optional(),
  external_id: z.string().max(200).optional(),
  tags: z.array(z.string().max(100)).max(50).optional(),
  note: z.string().max(2000).optional(),
});

const LIMIT = 100 * 1024 * 1024;

/** POST /v1/banks/:name/entries — Bank entries: add (JSON, a plain hash list, or HMA CSV), export, remove, confirm and deconfirm. */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/banks/:name/entries', {
    config: { access: { roles: OPS } },
    bodyLimit: LIMIT,
    schema: {
      tags: ['banks'],
      summary: 'Add entries (all or nothing)',
      description:
        'JSON `{"entries": [...]}`; `text/plain` with one hash per line and `?signal_type=pdq|md5|sha256`; or `text/csv` in HMA\'s form ' +
        '(`signal_type,signal` rows, optional header with external_id, tags (`;`-separated), note, source). A bad hash anywhere rejects the whole request. ' +
        'A file uploaded as it is (text/plain) with `?format=auto|plain|hma-csv|json|jsonl` is read like `vigil bank import` reads it; `auto` guesses the ' +
        'format from the first line, and a bad line is named by its line (entry, for JSON) number. ' +
        'With `Accept: application/x-ndjson` a list that passes its checks is answered 200 at once with progress lines `{"stored": n, "total": m}` ' +
        'while it is stored, ending in `{"result": {"added", "duplicates"}}` or `{"error": {"code", "message"}}` (then nothing was stored); ' +
        'a list that fails its checks is still refused with 400 before anything is stored.',
      params: z.object({ name: z.string() }),
      querystring: z.object({
        signal_type: z.enum(['pdq', 'md5', 'sha256']).optional(),
        source: z.string().optional(),
        format: z.enum(['auto', ...LIST_FORMATS]).optional(),
      }),
      body: z.union([z.object({ entries: z.array(entry).min(1).max(1_000_000) }).strict(), z.string()]),
      response: {
        200: z.object({ added: z.number(), duplicates: z.number() }),
        400: errorSchema,
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      let entries;
      const body = req.body;
      if (typeof body === 'string' && req.query.format) {
        const format = req.query.format === 'auto' ? sniffFormat(body) : req.query.format;
        if (format === 'plain') {
          if (!req.query.signal_type)
            throw new VigilError('invalid_request', 'a plain list needs ?signal_type=pdq|md5|sha256');
          checkPlainLines(body, req.query.signal_type);
        }
        entries = parseList(body, format, req.query.signal_type);
      } else if (typeof body === 'string' && /^text\/csv/i.test(req.headers['content-type'] ?? ''))
        entries = parseHmaCsv(body);
      else if (typeof body === 'string') {
        if (!req.query.signal_type)
          throw new VigilError('invalid_request', 'a plain list needs ?signal_type=pdq|md5|sha256');
        entries = parsePlainList(body, req.query.signal_type);
      } else entries = body.entries;
      if (!entries.length) throw new VigilError('invalid_request', 'the list has no entries');
      if (req.query.source) entries = entries.map((e) => ({ source: req.query.source, ...e }));
      if (!/application\/x-ndjson/i.test(req.headers.accept ?? ''))
        return addEntries(ctx.db.kysely, req.params.name, entries, actorOf(req.principal), ctx.clock);
      // Progress for the console: everything that can refuse the list is checked before the 200 goes out.
      await bankByName(ctx.db.kysely, req.params.name);
      entries.forEach((e, i) => {
        try {
          normaliseHash(e.signal_type, e.value);
        } catch (err) {
          throw new VigilError('bank_error', `entry ${i + 1}: ${(err as Error).message}`);
        }
      });
      const out = new PassThrough();
      const line = (o: unknown) => out.write(`${JSON.stringify(o)}\n`);
      line({ stored: 0, total: entries.length });
      addEntries(ctx.db.kysely, req.params.name, entries, actorOf(req.principal), ctx.clock, (stored, total) =>
        line({ stored, total }),
      ).then(
        (result) => out.end(`${JSON.stringify({ result })}\n`),
        (err: Error) => {
          if (!isVigilError(err)) req.log.error({ err }, 'bank import failed');
          out.end(
            `${JSON.stringify({ error: isVigilError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: 'internal server error' } })}\n`,
          );
        },
      );
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(out as never);
    },
  });
};
export default route;
