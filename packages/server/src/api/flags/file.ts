import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { CATEGORIES, fileFlags, flagInput, SUBJECT_KINDS } from '../../flags/index.ts';
import { VigilError } from '../../errors.ts';

/** Trusted flaggers file one flag, or a bulk list (JSON or CSV), each acknowledged with a reference. */
const route: RouteModule = (app, ctx) => {
  const provenance = (p: { keyId: number; orgId: number | null }, source: 'trusted' | 'bulk') => {
    if (!p.orgId) throw new VigilError('forbidden', 'this key belongs to no flagger organisation');
    return { source, orgId: p.orgId, reporterKey: `org:${p.orgId}`, actor: `key:${p.keyId}` };
  };

  app.post('/v1/flags', {
    config: { access: { scopes: ['flag'] } },
    schema: {
      tags: ['flags'],
      summary: 'File a flag',
      description: `Subject kinds: ${SUBJECT_KINDS.join(', ')}. Categories: ${CATEGORIES.join(', ')}. Hashes are preferred to files.`,
      body: flagInput,
      response: {
        201: z.object({ reference: z.string(), status: z.literal('received') }),
        400: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      if (req.principal?.kind !== 'key') throw new Error('unreachable');
      const r = await fileFlags(
        ctx.db.kysely,
        req.principal.platform,
        [req.body],
        provenance(req.principal, 'trusted'),
        ctx.cfg.flags,
        ctx.clock,
      );
      return reply.status(201).send({ reference: r.references[0]!, status: 'received' as const });
    },
  });
};
export default route;
