// Legal's public face: CyberTipline reports and their jobs, the vault, holds, law-enforcement requests, transparency.
// Other modules, the routes and the wiring import from here only (checked by .dependency-cruiser.cjs).
export { legalOnDecision } from './decision-effects.ts';
export { holdJson, liveHolds, placeHold, releaseHold } from './holds.ts';
export {
  createLeRequest,
  LE_KINDS,
  leJson,
  leRequestInput,
  loadLeRequest,
  PRODUCIBLE,
  recordProduction,
  renewPreservation,
  updateLeRequest,
} from './le-requests.ts';
export { preserveJob } from './preserve-job.ts';
export { type Draft } from './report-draft.ts';
export { draftSha256, editReportDraft, reportEdit } from './report-edit.ts';
export { fileReportJob, fileStatuses, loadReport, previewReport, retractReport, sendReport } from './reports.ts';
export { startRetentionLoop } from './retention-loop.ts';
export { BREAKDOWN_TITLES, type BreakdownSection } from './transparency-labels.ts';
export {
  computeTransparency,
  transparencyCsv,
  transparencyHtml,
  transparencyText,
  type Transparency,
} from './transparency.ts';
export { vaultKeys } from './vault-keys.ts';
export { destroyItem, exportPackage, preserve, readItem, rewrap } from './vault.ts';
