import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { ANY_STAFF } from '../../auth/roles.ts';
import { bankByName } from '../../media/index.ts';
import { HMA_CSV_HEADER, hmaCsvRow } from '../../media/index.ts';

/** A JSON page of the export (the plain and HMA CSV formats stream text instead). */
const entryPage = z.object({
  bank: z.string(),
  entries: z.array(
    z.object({
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
    }),
  ),
  next_after: z.number().nullable(),
});

/** GET /v1/banks/:name/entries — Bank entries: add (JSON, a plain hash list, or HMA CSV), export, remove, confirm and deconfirm. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/banks/:name/entries', {
    config: { access: { roles: ANY_STAFF } },
    schema: {
      tags: ['banks'],
      summary: 'Export entries (JSON pages; ?format=plain or hma-csv streams the whole bank)',
      description:
        'JSON pages take `q`: an entry id, a hash prefix, or words in the note (any of them matches). `q` does not apply to whole-bank exports.',
      params: z.object({ name: z.string() }),
      querystring: z.object({
        format: z.enum(['json', 'plain', 'hma-csv']).default('json'),
        after: z.coerce.number().int().min(0).default(0),
        limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
        q: z.string().trim().max(200).optional(),
      }),
      response: { 200: entryPage, 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const db = ctx.db.kysely;
      const b = await bankByName(db, req.params.name);
      const page = (after: number, limit: number, q?: string) => {
        let query = db.selectFrom('bank_entries').selectAll().where('bank_id', '=', b.id).where('id', '>', after);
        if (q)
          query = query.where((eb) =>
            eb.or([
              ...(/^\d{1,15}$/.test(q) ? [eb('id', '=', Number(q))] : []),
              ...(/^[0-9a-f]+$/i.test(q) ? [eb('value', 'like', `${q.toLowerCase()}%`)] : []),
              sql<boolean>`lower(note) like ${`%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`,
            ]),
          );
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
        return reply
          .type(csv ? 'text/csv; charset=utf-8' : 'text/plain; charset=utf-8')
          .send(Readable.from(lines()) as never);
      }
      const rows = await page(req.query.after, req.query.limit, req.query.q || undefined);
      return reply.send({
        bank: b.name,
        entries: rows.map((r) => ({
          id: Number(r.id),
          signal_type: r.signal_type,
          value: r.value,
          source: r.source,
          external_id: r.external_id,
          tags: r.tags ? r.tags.split(',') : [],
          note: r.note,
          confirmed: !!r.confirmed,
          disabled: !!r.disabled,
          added_at: r.added_at,
        })),
        next_after: rows.length === req.query.limit ? Number(rows.at(-1)!.id) : null,
      } as never);
    },
  });
};
export default route;
