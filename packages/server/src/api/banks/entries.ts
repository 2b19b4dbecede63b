import { PassThrough, Readable } from 'node:stream';
import { sql } from 'kysely';
import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF, OPS, actorOf } from '../../auth/roles.ts';
import { addEntries, bankByName, normaliseHash, parsePlainList, removeEntry, setEntryConfirmation } from '../../media/banks.ts';
import { HMA_CSV_HEADER, LIST_FORMATS, checkPlainLines, hmaCsvRow, parseHmaCsv, parseList, sniffFormat } from '../../media/bank-formats.ts';
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
/** A JSON page of the export (the plain and HMA CSV formats stream text instead). */
const entryPage = z.object({
  bank: z.string(),
  entries: z.array(z.object({
    id: z.number(),
    signal_type: z.enum(['pdq', 'md5', 'sha256']),
    value: z.string(),
    source: z.string().nullable(),
    external_id: z.string().nullable(),
    tags: z.array(z.string()),
    note: z.string().nullable(),
    confirmed: z.boolean(),
    disabled: z.boolean(),
    added_at: z.string(),
  })),
  next_after: z.number().nullable(),
});

/** Bank entries: add (JSON, a plain hash list, or HMA CSV), export, remove, confirm and deconfirm. */
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
      querystring: z.object({ signal_type: z.enum(['pdq', 'md5', 'sha256']).optional(), source: z.string().optional(), format: z.enum(['auto', ...LIST_FORMATS]).optional() }),
      body: z.union([z.object({ entries: z.array(entry).min(1).max(1_000_000) }).strict(), z.string()]),
      response: { 200: z.object({ added: z.number(), duplicates: z.number() }), 400: errorSchema, 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      let entries;
      const body = req.body;
      if (typeof body === 'string' && req.query.format) {
        const format = req.query.format === 'auto' ? sniffFormat(body) : req.query.format;
        if (format === 'plain') {
          if (!req.query.signal_type) throw new VigilError('invalid_request', 'a plain list needs ?signal_type=pdq|md5|sha256');
          checkPlainLines(body, req.query.signal_type);
        }
        entries = parseList(body, format, req.query.signal_type);
      } else if (typeof body === 'string' && /^text\/csv/i.test(req.headers['content-type'] ?? '')) entries = parseHmaCsv(body);
      else if (typeof body === 'string') {
        if (!req.query.signal_type) throw new VigilError('invalid_request', 'a plain list needs ?signal_type=pdq|md5|sha256');
        entries = parsePlainList(body, req.query.signal_type);
      } else entries = body.entries;
      if (!entries.length) throw new VigilError('invalid_request', 'the list has no entries');
      if (req.query.source) entries = entries.map((e) => ({ source: req.query.source, ...e }));
      if (!/application\/x-ndjson/i.test(req.headers.accept ?? '')) return addEntries(ctx.db.kysely, req.params.name, entries, actorOf(req.principal), ctx.clock);
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
      addEntries(ctx.db.kysely, req.params.name, entries, actorOf(req.principal), ctx.clock, (stored, total) => line({ stored, total })).then(
        (result) => out.end(`${JSON.stringify({ result })}\n`),
        (err: Error) => {
          if (!isVigilError(err)) req.log.error({ err }, 'bank import failed');
          out.end(`${JSON.stringify({ error: isVigilError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: 'internal server error' } })}\n`);
        },
      );
      return reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(out as never);
    },
  });

  app.get('/v1/banks/:name/entries', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['banks'],
      summary: 'Export entries (JSON pages; ?format=plain or hma-csv streams the whole bank)',
      description: 'JSON pages take `q`: an entry id, a hash prefix, or words in the note (any of them matches). `q` does not apply to whole-bank exports.',
      params: z.object({ name: z.string() }),
      querystring: z.object({
        format: z.enum(['json', 'plain', 'hma-csv']).default('json'), after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
        q: z.string().trim().max(200).optional(),
      }),
      response: { 200: entryPage, 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const db = ctx.db.kysely;
      const b = await bankByName(db, req.params.name);
      const page = (after: number, limit: number, q?: string) => {
        let query = db.selectFrom('bank_entries').selectAll().where('bank_id', '=', b.id).where('id', '>', after);
        if (q) query = query.where((eb) => eb.or([
          ...(/^\d{1,15}$/.test(q) ? [eb('id', '=', Number(q))] : []),
          ...(/^[0-9a-f]+$/i.test(q) ? [eb('value', 'like', `${q.toLowerCase()}%`)] : []),
          sql<boolean>`lower(note) like ${`%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`,
        ]));
        return query.orderBy('id').limit(limit).execute();
      };
      if (req.query.format !== 'json') {
        // Whole bank, streamed page by page so a ten-million-entry bank never sits in memory.
        const csv = req.query.format === 'hma-csv';
        async function* lines() {
          if (csv) yield HMA_CSV_HEADER;
          let after = req.query.after;
          for (;;) {
            const rows = await page(after, 10_000);
            if (!rows.length) return;
            yield rows.map((r) => (csv ? hmaCsvRow({ ...r, id: Number(r.id) }) : `${r.value}\n`)).join('');
            after = Number(rows.at(-1)!.id);
          }
        }
        return reply.type(csv ? 'text/csv; charset=utf-8' : 'text/plain; charset=utf-8').send(Readable.from(lines()) as never);
      }
      const rows = await page(req.query.after, req.query.limit, req.query.q || undefined);
      return reply.send({
        bank: b.name,
        entries: rows.map((r) => ({ id: Number(r.id), signal_type: r.signal_type, value: r.value, source: r.source, external_id: r.external_id, tags: r.tags ? r.tags.split(',') : [], note: r.note, confirmed: !!r.confirmed, disabled: !!r.disabled, added_at: r.added_at })),
        next_after: rows.length === req.query.limit ? Number(rows.at(-1)!.id) : null,
      } as never);
    },
  });

  app.delete('/v1/banks/:name/entries/:id', {
    config: { access: { roles: OPS } },
    schema: { tags: ['banks'], summary: 'Remove an entry', params: z.object({ name: z.string(), id: z.coerce.number().int().positive() }), response: { 200: z.object({ removed: z.literal(true) }), 404: errorSchema, ...authErrors } },
    handler: async (req) => {
      await removeEntry(ctx.db.kysely, req.params.name, req.params.id, actorOf(req.principal), ctx.clock);
      return { removed: true as const };
    },
  });

  for (const op of ['confirm', 'deconfirm'] as const) {
    app.post(`/v1/banks/:name/entries/:id/${op}`, {
      config: { access: { roles: OPS } },
      schema: {
        tags: ['banks'],
        summary: op === 'confirm' ? 'Confirm an entry (and re-enable it)' : 'Deconfirm an entry: it stays on record but stops matching',
        params: z.object({ name: z.string(), id: z.coerce.number().int().positive() }),
        body: z.object({ reason: z.string().min(3).max(2000) }).strict(),
        response: { 200: z.object({ entry_id: z.number(), confirmed: z.boolean(), disabled: z.boolean() }), 400: errorSchema, 404: errorSchema, ...authErrors },
      },
      handler: async (req) => {
        await setEntryConfirmation(ctx.db.kysely, req.params.name, req.params.id, op === 'confirm', req.body.reason, actorOf(req.principal), ctx.clock);
        return { entry_id: req.params.id, confirmed: op === 'confirm', disabled: op !== 'confirm' };
      },
    });
  }
};
export default route;
