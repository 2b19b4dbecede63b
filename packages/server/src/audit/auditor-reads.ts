// Auditors read everything they are allowed to read, and every one of those reads is itself on the record:
// one `auditor.view` audit entry per successful GET, written before the answer leaves the server, so a view
// whose entry could not be written is not shown at all.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { appendAudit } from './log.ts';

/** The record a route shows, for the entry's subject (other reads are recorded with their route and query). */
const SUBJECTS: Record<string, string> = {
  '/v1/cases/:id': 'case',
  '/v1/legal/reports/:id': 'ncmec_report',
  '/v1/legal/le-requests/:id': 'le_request',
  '/v1/appeals/:id': 'appeal',
};

/** Reads that are the auditor's own session, not records. */
const NOT_RECORDS = new Set(['/v1/session', '/v1/me/settings', '/v1/me/exposure']);

export function auditAuditorReads(app: FastifyInstance, ctx: AppContext) {
  app.addHook('onSend', async (req, reply, payload) => {
    const p = req.principal;
    if (p?.kind !== 'staff' || p.role !== 'auditor' || req.method !== 'GET') return payload;
    if (reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    const route = req.routeOptions.url ?? '';
    if (!route.startsWith('/v1/') || NOT_RECORDS.has(route)) return payload;
    const params = (req.params ?? {}) as Record<string, string>;
    const subjectType = SUBJECTS[route] ?? null;
    await appendAudit(
      ctx.db.kysely,
      {
        actor: `staff:${p.staffId}`,
        action: 'auditor.view',
        subjectType,
        subjectId: subjectType ? String(params.id) : null,
        data: { route, params, query: req.query ?? {} },
      },
      ctx.clock,
    );
    return payload;
  });
}
