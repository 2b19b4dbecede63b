import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { fileFlags, flagInput, type FlagInput } from '../../flags/index.ts';
import { VigilError } from '../../errors.ts';
import { parseFlagCsv } from './schemas.ts';

function validate(raw: unknown[]): FlagInput[] {
  const problems: { row: number; path: string; message: string }[] = [];
  const out: FlagInput[] = [];
  raw.forEach((r, i) => {
    const p = flagInput.safeParse(r);
    if (p.success) out.push(p.data);
    else
      for (const issue of p.error.issues)
        problems.push({ row: i + 1, path: issue.path.join('.'), message: issue.message });
  });
  if (problems.length)
    throw new VigilError('invalid_flags', `${problems.length} problem(s); nothing was filed`, problems.slice(0, 100));
  return out;
}

/** POST /v1/flags/bulk — Trusted flaggers file one flag, or a bulk list (JSON or CSV), each acknowledged with a reference. */
const route: RouteModule = (app, ctx) => {
  const provenance = (p: { keyId: number; orgId: number | null }, source: 'trusted' | 'bulk') => {
    if (!p.orgId) throw new VigilError('forbidden', 'this key belongs to no flagger organisation');
    return { source, orgId: p.orgId, reporterKey: `org:${p.orgId}`, actor: `key:${p.keyId}` };
  };

  app.post('/v1/flags/bulk', {
    config: { access: { scopes: ['flag'] } },
    bodyLimit: 20 * 1024 * 1024,
    schema: {
      tags: ['flags'],
      summary:
        'File a list of flags (JSON, or text/csv with subject_kind,subject_value,category[,notes][,found_at_url]); all or nothing',
      body: z.union([z.object({ flags: z.array(z.unknown()).min(1).max(50_000) }).strict(), z.string()]),
      response: {
        201: z.object({ filed: z.number(), cases: z.number(), references: z.array(z.string()) }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      if (req.principal?.kind !== 'key') throw new Error('unreachable');
      const raw = typeof req.body === 'string' ? parseFlagCsv(req.body) : req.body.flags;
      if (!raw.length) throw new VigilError('invalid_flags', 'the list is empty');
      if (raw.length > 50_000) throw new VigilError('invalid_flags', 'at most 50,000 flags per list');
      const r = await fileFlags(
        ctx.db.kysely,
        req.principal.platform,
        validate(raw),
        provenance(req.principal, 'bulk'),
        ctx.cfg.flags,
        ctx.clock,
      );
      return reply.status(201).send({ filed: r.references.length, cases: r.cases, references: r.references });
    },
  });
};
export default route;
