import { z } from 'zod';
import { authErrors, errorSchema, type RouteModule } from '../../http/route.ts';
import { actorOf } from '../../auth/roles.ts';
import { editReportDraft, reportEdit } from '../../legal/index.ts';

/** PATCH /v1/legal/reports/:id — edit a draft field by field; validated against NCMEC's schema on every save. */
const route: RouteModule = (app, ctx) => {
  app.patch('/v1/legal/reports/:id', {
    config: { access: { roles: ['admin', 'legal'] } },
    schema: {
      tags: ['legal'],
      summary: 'Edit a draft report (incident, reported people, files, additional information)',
      description:
        "Each section given replaces that section. The result is validated against NCMEC's XSD: an edit that adds a schema problem is " +
        'refused with 400 `invalid_report` and `details` `[{path, message}]` at the fields (`incident.incidentDateTime`, ' +
        '`reportedUsers.0.ipCaptureEvents.1.dateTime`, `files.0.details.uploadedToEspTimestamp`…); nothing is saved. Changing the incident type ' +
        'needs a `reason`. The audit entry (`ncmec.report.edit`, or `ncmec.report.retype` with the reason) lists every changed field before and after. ' +
        'File hashes and whether staff viewed a file stay as derived from the records.',
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: reportEdit,
      response: {
        200: z.object({
          updated: z.literal(true),
          problems: z.array(z.object({ path: z.string(), message: z.string() })),
        }),
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
        ...authErrors,
      },
    },
    handler: async (req) => {
      const { problems } = await editReportDraft(
        ctx.db.kysely,
        req.params.id,
        req.body,
        actorOf(req.principal),
        ctx.clock,
      );
      return { updated: true as const, problems };
    },
  });
};
export default route;
