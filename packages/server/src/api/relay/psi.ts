import { createHash } from 'node:crypto';
import { z } from 'zod';
import { authErrors, errorSchema, relayUserOf, type RouteModule } from '../../http/route.ts';
import { HttpError } from '../../http/errors.ts';
import { ingestEvents, validateEvents } from '../../ingest/ingest.ts';
import { psiKeys } from '../../psi/keys.ts';
import { latestTable, tableBytes } from '../../psi/tables.ts';

/**
 * Private matching, the client's side of the relay: the operator's policy (scope, threshold, the key
 * that signs tables), the signed blinded table itself, and voucher submission (one per attachment, sent
 * on to ingest as `voucher.submitted`). Clients learn nothing about the list or about their results.
 */
const route: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  app.get('/relay/v1/psi', {
    config: { access: { relayUsers: true } },
    schema: {
      tags: ['relay'], summary: 'Private-matching policy and the current table',
      response: {
        200: z.object({
          scope: z.enum(['off', 'large_groups', 'everywhere']), large_group_members: z.number(), mode: z.string(), synthetic_probability: z.number(),
          signing_public_key: z.string(), table: z.object({ version: z.number(), root: z.string(), threshold: z.number(), mode: z.string(), url: z.string() }).nullable(),
        }),
        ...authErrors,
      },
    },
    handler: async (req) => {
      relayUserOf(req.principal);
      const p = ctx.cfg.psi;
      const t = p.scope === 'off' ? null : await latestTable(db);
      return {
        scope: p.scope, large_group_members: p.largeGroupMembers, mode: p.mode, synthetic_probability: p.syntheticProbability,
        signing_public_key: Buffer.from(psiKeys(ctx.cfg).signingPublic).toString('base64'),
        table: t ? { version: t.version, root: t.root, threshold: t.threshold, mode: t.mode, url: `/relay/v1/psi/tables/${t.version}` } : null,
      };
    },
  });
  app.get('/relay/v1/psi/tables/:version', {
    config: { access: { relayUsers: true } },
    schema: { tags: ['relay'], summary: 'A signed private-matching table (binary; verify it with the signing key)', params: z.object({ version: z.coerce.number().int().positive() }), response: { 404: errorSchema, ...authErrors } },
    handler: async (req, reply) => {
      relayUserOf(req.principal);
      return reply.type('application/octet-stream').header('cache-control', 'public, max-age=31536000, immutable').send(Buffer.from(await tableBytes(db, req.params.version)) as never);
    },
  });
  app.post('/relay/v1/vouchers', {
    config: { access: { relayUsers: true } },
    bodyLimit: 512 * 1024,
    schema: {
      tags: ['relay'], summary: 'Submit private-matching vouchers for attachments just sent',
      body: z.object({
        vouchers: z.array(z.object({ conversation_id: z.string().min(1).max(200), blob_id: z.string().min(1).max(200), table_version: z.number().int().positive(), voucher: z.string().min(1).max(200_000) }).strict()).min(1).max(50),
      }).strict(),
      response: { 202: z.object({ accepted: z.number() }), 400: errorSchema, 409: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      const me = relayUserOf(req.principal);
      if (ctx.cfg.psi.scope === 'off') throw new HttpError(409, 'psi_off', 'private matching is off on this relay');
      const now = ctx.clock.now().toISOString();
      // The event id is the voucher's hash: a resent voucher is accepted once.
      const events = req.body.vouchers.map((v) => {
        const id = `voucher-${createHash('sha256').update(v.voucher).digest('hex').slice(0, 40)}`;
        return { id, type: 'voucher.submitted', occurred_at: now, voucher: { id, account_id: me.accountId, conversation_id: v.conversation_id, blob_id: v.blob_id, table_version: v.table_version, data: v.voucher } };
      });
      await ingestEvents(db, ctx.cfg.relay.platform, validateEvents(events), ctx.clock);
      ctx.jobsAdded();
      return reply.status(202).send({ accepted: events.length });
    },
  });
};
export default route;
