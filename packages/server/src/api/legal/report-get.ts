import { z } from 'zod';
import { type FilingState } from '@vigil/ncmec';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { fromJson } from '../../util/json.ts';
import { fileStatuses, loadReport, previewReport } from '../../legal/index.ts';
import { draftSha256 } from '../../legal/index.ts';
import type { Draft } from '../../legal/index.ts';
import { LEGAL_READ, asSummary, caseIds, draftSchema, journalSchema, summary } from './schemas.ts';

const fieldProblem = z.object({ path: z.string(), message: z.string() });

const fileStatus = z.object({
  media_id: z.string(),
  name: z.string(),
  state: z.enum(['pending', 'uploaded', 'described']),
  ncmec_file_id: z.string().nullable(),
  ncmec_md5: z.string().nullable(),
  md5_matches: z.boolean().nullable(),
});

/** GET /v1/legal/reports/:id — CyberTipline reports, read: the list and one report with its XML and schema verdict. Edits, sending and retraction are in report-*.ts. */
const route: RouteModule = (app, ctx) => {
  app.get('/v1/legal/reports/:id', {
    config: { access: { roles: LEGAL_READ } },
    schema: {
      tags: ['legal'],
      summary:
        'One report: the draft, the XML that would be sent, schema problems at their fields, filing progress per file',
      description:
        '`draft_sha256` names this version of the draft: sending it (`POST /v1/legal/reports/:id/send`) confirms exactly this version.',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: {
        200: summary.extend({
          draft: draftSchema,
          draft_sha256: z.string(),
          xml: z.string(),
          problems: z.array(z.string()),
          field_problems: z.array(fieldProblem),
          journal: journalSchema.nullable(),
          file_status: z.array(fileStatus),
          sent_by: z.string().nullable(),
          destination: z.string(),
        }),
        404: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const r = await loadReport(ctx.db.kysely, req.params.id);
      const draft = fromJson<Draft>(r.draft);
      const journal = r.journal ? fromJson<FilingState>(r.journal) : null;
      const s = asSummary(r);
      const caseId =
        s.decision_task_id === null
          ? null
          : ((await caseIds(ctx.db.kysely, [s.decision_task_id])).get(s.decision_task_id) ?? null);
      return {
        ...s,
        case_id: caseId,
        draft,
        draft_sha256: draftSha256(r.draft),
        ...(await previewReport(draft)),
        journal,
        file_status: fileStatuses(draft, journal),
        sent_by: r.sent_by,
        destination: ctx.cfg.ncmec.baseUrl,
      };
    },
  });
};
export default route;
