// Every API method, one module each. Adding a route = adding a file and a line here.
import type { RouteModule } from '../http/route.ts';
import healthz from './health/healthz.ts';
import readyz from './health/readyz.ts';
import metricsRoute from './metrics/metrics.ts';
import ingestEvents from './events/ingest.ts';
import listEvents from './events/list.ts';
import jobStats from './jobs/stats.ts';
import deadJobs from './jobs/dead.ts';
import retryJob from './jobs/retry.ts';
import login from './session/login.ts';
import currentSession from './session/current.ts';
import logout from './session/logout.ts';
import listStaff from './staff/list.ts';
import createStaff from './staff/create.ts';
import updateStaff from './staff/update.ts';
import resetStaffPassword from './staff/reset-password.ts';
import listKeys from './keys/list.ts';
import createKey from './keys/create.ts';
import revokeKey from './keys/revoke.ts';
import listAudit from './audit/list.ts';
import verifyAudit from './audit/verify.ts';
import auditorReads from './audit/auditor-reads.ts';
import teamDashboard from './team/dashboard.ts';
import listWebhooks from './webhooks/list.ts';
import createWebhook from './webhooks/create.ts';
import removeWebhook from './webhooks/remove.ts';
import webhookDeliveries from './webhooks/deliveries.ts';
import retryDelivery from './webhooks/retry.ts';
import rotateWebhookSecret from './webhooks/rotate.ts';
import retryDeadDeliveries from './webhooks/retry-dead.ts';
import account from './subjects/account.ts';
import group from './subjects/group.ts';
import listRules from './rules/list.ts';
import saveRule from './rules/save.ts';
import ruleVersions from './rules/versions.ts';
import backtest from './rules/backtest.ts';
import listTasks from './tasks/list.ts';
import getTask from './tasks/get.ts';
import claimTask from './tasks/claim.ts';
import releaseTask from './tasks/release.ts';
import decideTask from './tasks/decide.ts';
import listCases from './cases/list.ts';
import getCase from './cases/get.ts';
import claimCase from './cases/claim.ts';
import releaseCase from './cases/release.ts';
import caseNotes from './cases/notes.ts';
import decideCase from './cases/decision.ts';
import bulkCases from './cases/bulk.ts';
import listSignals from './signals/list.ts';
import importExternal from './external/import.ts';
import listBanks from './banks/list.ts';
import createBank from './banks/create.ts';
import updateBank from './banks/update.ts';
import deleteBank from './banks/delete.ts';
import addBankEntries from './banks/entries-add.ts';
import exportBankEntries from './banks/entries-export.ts';
import removeBankEntry from './banks/entry-remove.ts';
import confirmBankEntry from './banks/entry-confirm.ts';
import deconfirmBankEntry from './banks/entry-deconfirm.ts';
import match from './banks/match.ts';
import listActions from './actions/list.ts';
import approveAction from './actions/approve.ts';
import reverseAction from './actions/reverse.ts';
import fileAppeal from './appeals/file.ts';
import getAppeal from './appeals/get.ts';
import decideAppeal from './appeals/decide.ts';
import getSettings from './me/settings-get.ts';
import updateSettings from './me/settings-update.ts';
import myExposure from './me/exposure-get.ts';
import takeBreak from './me/exposure-break.ts';
import teamExposure from './wellness/team.ts';
import mediaContent from './media/content.ts';
import hashMedia from './media/hash.ts';
import hmaHashUrl from './hma/hash-url.ts';
import hmaHashUpload from './hma/hash-upload.ts';
import hmaLookup from './hma/lookup-get.ts';
import hmaLookupUpload from './hma/lookup-upload.ts';
import hmaRawLookup from './hma/raw-lookup.ts';
import hmaIndexStatus from './hma/index-status.ts';
import listExchanges from './exchanges/list.ts';
import getExchange from './exchanges/get.ts';
import createExchange from './exchanges/create.ts';
import updateExchange from './exchanges/update.ts';
import deleteExchange from './exchanges/delete.ts';
import fetchExchange from './exchanges/fetch.ts';
import sharedFeed from './exchanges/shared-feed.ts';
import sharedConfirm from './exchanges/shared-confirm.ts';
import legalReports from './legal/reports-list.ts';
import legalReport from './legal/report-get.ts';
import editLegalReport from './legal/report-edit.ts';
import sendLegalReport from './legal/report-send.ts';
import retractLegalReport from './legal/report-retract.ts';
import listHolds from './legal/holds-list.ts';
import placeHold from './legal/holds-place.ts';
import releaseHold from './legal/holds-release.ts';
import listVault from './legal/vault-list.ts';
import vaultContent from './legal/vault-content.ts';
import destroyVaultItem from './legal/vault-destroy.ts';
import exportVault from './legal/vault-export.ts';
import rewrapVault from './legal/vault-rewrap.ts';
import producibleLeRequests from './legal/le-requests-producible.ts';
import listLeRequests from './legal/le-requests-list.ts';
import getLeRequest from './legal/le-request-get.ts';
import createLeRequest from './legal/le-request-create.ts';
import updateLeRequest from './legal/le-request-update.ts';
import renewLeRequest from './legal/le-request-renew.ts';
import leProduction from './legal/le-request-production.ts';
import transparency from './legal/transparency.ts';
import psiTables from './psi/tables-list.ts';
import buildPsiTable from './psi/table-build.ts';
import psiOpenings from './psi/openings-list.ts';
import psiOpeningContent from './psi/opening-content.ts';
import psiPolicy from './psi/policy.ts';
import psiTableBytes from './psi/table-bytes.ts';
import psiOpeningBlob from './psi/opening-blob.ts';
import reports from './reports/list.ts';
import flaggerOrgs from './flags/orgs-list.ts';
import createFlaggerOrg from './flags/org-create.ts';
import createFlaggerKey from './flags/org-key-create.ts';
import fileFlag from './flags/file.ts';
import fileFlagsBulk from './flags/file-bulk.ts';
import listFlags from './flags/list.ts';
import getFlag from './flags/get.ts';
import publicForm from './flags/public-form.ts';
import publicReport from './flags/public-report.ts';
import publicReportStatus from './flags/public-status.ts';
import termList from './terms/get.ts';
import saveTermList from './terms/save.ts';
import termListVersions from './terms/list-versions.ts';
import termListVersion from './terms/version.ts';
import tryTermList from './terms/try.ts';

export const routes: RouteModule[] = [
  auditorReads, // a hook, first: every auditor's read of a record is audited
  healthz,
  readyz,
  metricsRoute,
  ingestEvents,
  listEvents,
  jobStats,
  deadJobs,
  retryJob,
  login,
  currentSession,
  logout,
  listStaff,
  createStaff,
  updateStaff,
  resetStaffPassword,
  listKeys,
  createKey,
  revokeKey,
  listAudit,
  verifyAudit,
  teamDashboard,
  listWebhooks,
  createWebhook,
  removeWebhook,
  webhookDeliveries,
  retryDelivery,
  rotateWebhookSecret,
  retryDeadDeliveries,
  account,
  group,
  listRules,
  saveRule,
  ruleVersions,
  backtest,
  listCases,
  bulkCases,
  getCase,
  claimCase,
  releaseCase,
  caseNotes,
  decideCase,
  listTasks,
  getTask,
  claimTask,
  releaseTask,
  decideTask,
  listSignals,
  importExternal,
  listBanks,
  createBank,
  updateBank,
  deleteBank,
  addBankEntries,
  exportBankEntries,
  removeBankEntry,
  confirmBankEntry,
  deconfirmBankEntry,
  match,
  hashMedia,
  hmaHashUrl,
  hmaHashUpload,
  hmaLookup,
  hmaLookupUpload,
  hmaRawLookup,
  hmaIndexStatus,
  listExchanges,
  getExchange,
  createExchange,
  updateExchange,
  deleteExchange,
  fetchExchange,
  sharedFeed,
  sharedConfirm,
  legalReports,
  legalReport,
  editLegalReport,
  sendLegalReport,
  retractLegalReport,
  listHolds,
  placeHold,
  releaseHold,
  listVault,
  vaultContent,
  destroyVaultItem,
  exportVault,
  rewrapVault,
  producibleLeRequests,
  listLeRequests,
  getLeRequest,
  createLeRequest,
  updateLeRequest,
  renewLeRequest,
  leProduction,
  transparency,
  psiTables,
  buildPsiTable,
  psiOpenings,
  psiOpeningContent,
  psiPolicy,
  psiTableBytes,
  psiOpeningBlob,
  listActions,
  approveAction,
  reverseAction,
  fileAppeal,
  getAppeal,
  decideAppeal,
  getSettings,
  updateSettings,
  myExposure,
  takeBreak,
  teamExposure,
  mediaContent,
  reports,
  flaggerOrgs,
  createFlaggerOrg,
  createFlaggerKey,
  fileFlag,
  fileFlagsBulk,
  listFlags,
  getFlag,
  publicForm,
  publicReport,
  publicReportStatus,
  termList,
  saveTermList,
  termListVersions,
  termListVersion,
  tryTermList,
];
