import { createHash } from 'node:crypto';
import { z } from 'zod';
import { authErrors, errorSchema, userOf, type RelayRoute } from '../http.ts';
import { RelayError } from '../errors.ts';
import type { PsiPolicy } from '../safety-client.ts';

/**
 * Private matching, the client's side: the operator's policy and signed blinded table come from the safety
 * service's public API (cached briefly: every client asks), and vouchers go back to it as `voucher.submitted`
 * events. Clients learn nothing about the list or their results; the relay learns nothing either.
 */
const route: RelayRoute = (app, ctx) => {
  let policy: { at: number; value: PsiPolicy } | null = null;
  const tables = new Map<number, Uint8Array>(); // signed tables are immutable per version
  const currentPolicy = async () => {
    if (!policy || Date.now() - policy.at >= ctx.o.psiPolicyCacheMs) {
      try {
        policy = { at: Date.now(), value: await ctx.safety.psiPolicy() };
      } catch (e) {
        if (!policy)
          throw new RelayError(
            503,
            'unavailable',
            `private matching is unavailable: ${(e as Error).message}`,
            undefined,
            { 'retry-after': '10' },
          );
      }
    }
    return policy!.value;
  };
  app.get('/relay/v1/psi', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'Private-matching policy and the current table',
      response: {
        200: z.object({
          scope: z.enum(['off', 'large_groups', 'everywhere']),
          large_group_members: z.number(),
          mode: z.string(),
          synthetic_probability: z.number(),
          signing_public_key: z.string(),
          table: z
            .object({ version: z.number(), root: z.string(), threshold: z.number(), mode: z.string(), url: z.string() })
            .nullable(),
        }),
        503: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      userOf(req);
      const p = await currentPolicy();
      return { ...p, table: p.table ? { ...p.table, url: `/relay/v1/psi/tables/${p.table.version}` } : null };
    },
  });
  app.get('/relay/v1/psi/tables/:version', {
    config: { relayUsers: true },
    schema: {
      tags: ['relay'],
      summary: 'A signed private-matching table (binary; verify it with the signing key)',
      params: z.object({ version: z.coerce.number().int().positive() }),
      response: { 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      userOf(req);
      let t = tables.get(req.params.version);
      if (!t) {
        const fetched = await ctx.safety.psiTable(req.params.version);
        if (!fetched) throw new RelayError(404, 'not_found', `no private-matching table version ${req.params.version}`);
        if (tables.size >= 4) tables.delete(tables.keys().next().value!);
        tables.set(req.params.version, (t = fetched));
      }
      return reply
        .type('application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(Buffer.from(t) as never);
    },
  });
  app.post('/relay/v1/vouchers', {
    config: { relayUsers: true },
    bodyLimit: 512 * 1024,
    schema: {
      tags: ['relay'],
      summary: 'Submit private-matching vouchers for attachments just sent',
      body: z
        .object({
          vouchers: z
            .array(
              z
                .object({
                  conversation_id: z.string().min(1).max(200),
                  blob_id: z.string().min(1).max(200),
                  table_version: z.number().int().positive(),
                  voucher: z
                    .string()
                    .min(1)
                    .max(200_000)
                    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
                })
                .strict(),
            )
            .min(1)
            .max(50),
        })
        .strict(),
      response: {
        202: z.object({ accepted: z.number() }),
        400: errorSchema,
        409: errorSchema,
        503: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req, reply) => {
      const me = userOf(req);
      if ((await currentPolicy()).scope === 'off')
        throw new RelayError(409, 'psi_off', 'private matching is off on this relay');
      // The event id is the voucher's hash: a resent voucher is accepted once.
      const events = req.body.vouchers.map((v) => {
        const id = `voucher-${createHash('sha256').update(v.voucher).digest('hex').slice(0, 40)}`;
        return {
          id,
          type: 'voucher.submitted',
          voucher: {
            id,
            account_id: me.accountId,
            conversation_id: v.conversation_id,
            blob_id: v.blob_id,
            table_version: v.table_version,
            data: v.voucher,
          },
        };
      });
      await ctx.db.transaction().execute((trx) => ctx.emit(trx, events));
      ctx.outbox.kick();
      return reply.status(202).send({ accepted: events.length });
    },
  });
};
export default route;
