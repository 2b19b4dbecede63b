import type { RouteModule } from '../../http/route.ts';
import { auditAuditorReads } from '../../audit/auditor-reads.ts';

/** Not a route: the hook that records every read an auditor makes (see audit/auditor-reads.ts). */
const hook: RouteModule = (app, ctx) => auditAuditorReads(app, ctx);
export default hook;
