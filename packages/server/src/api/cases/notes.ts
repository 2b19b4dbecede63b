import { z } from 'zod';
import { authErrors, errorSchema, staffOf, type RouteModule } from '../../http/route.ts';
import { addNote } from '../../review/index.ts';
import { caseParams, REVIEWERS } from './schemas.ts';

/** POST /v1/cases/:id/notes — a note in the case log (no claim needed). */
const route: RouteModule = (app, ctx) => {
  app.post('/v1/cases/:id/notes', {
    config: { access: { roles: REVIEWERS } },
    schema: {
      tags: ['review'],
      summary: 'Add a note to a case',
      params: caseParams,
      body: z.object({ text: z.string().trim().min(1, 'write the note first').max(5000) }).strict(),
      response: { 201: z.object({ noted: z.literal(true) }), 404: errorSchema, ...authErrors },
    },
    handler: async (req, reply) => {
      await addNote(ctx.db.kysely, req.params.id, staffOf(req.principal).staffId, req.body.text, ctx.clock);
      return reply.status(201).send({ noted: true as const });
    },
  });
};
export default route;
