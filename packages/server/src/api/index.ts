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
import bankEntries from './banks/entries.ts';
import match from './banks/match.ts';
import actions from './actions/routes.ts';
import appeals from './appeals/routes.ts';
import settings from './me/settings.ts';
import myExposure from './me/exposure.ts';
import teamExposure from './wellness/team.ts';
import mediaContent from './media/content.ts';
import hashMedia from './media/hash.ts';
import hmaHash from './hma/hash.ts';
import hmaLookup from './hma/lookup.ts';
import hmaRawLookup from './hma/raw-lookup.ts';
import hmaIndexStatus from './hma/index-status.ts';
import listExchanges from './exchanges/list.ts';
import createExchange from './exchanges/create.ts';
import updateExchange from './exchanges/update.ts';
import fetchExchange from './exchanges/fetch.ts';
import sharedBanks from './exchanges/shared.ts';
import legalReports from './legal/reports.ts';
import editLegalReport from './legal/report-edit.ts';
import sendLegalReport from './legal/report-send.ts';
import retractLegalReport from './legal/report-retract.ts';
import listHolds from './legal/holds-list.ts';
import placeHold from './legal/holds-place.ts';
import releaseHold from './legal/holds-release.ts';
import legalVault from './legal/vault.ts';
import leRequests from './legal/le-requests.ts';
import transparency from './legal/transparency.ts';
import psiTables from './psi/tables.ts';
import psiOpenings from './psi/openings.ts';
import psiPolicy from './psi/policy.ts';
import psiTableBytes from './psi/table-bytes.ts';
import psiOpeningBlob from './psi/opening-blob.ts';
import reports from './reports/list.ts';
import flaggerOrgs from './flags/orgs.ts';
import fileFlag from './flags/file.ts';
import readFlags from './flags/read.ts';
import publicReport from './flags/public.ts';
import termList from './terms/routes.ts';
import termListVersion from './terms/version.ts';
import tryTermList from './terms/try.ts';

export const routes: RouteModule[] = [
  auditorReads, // a hook, first: every auditor's read of a record is audited
  healthz, readyz, metricsRoute,
  ingestEvents, listEvents,
  jobStats, deadJobs, retryJob,
  login, currentSession, logout,
  listStaff, createStaff, updateStaff, resetStaffPassword,
  listKeys, createKey, revokeKey,
  listAudit, verifyAudit, teamDashboard,
  listWebhooks, createWebhook, removeWebhook, webhookDeliveries, retryDelivery, rotateWebhookSecret, retryDeadDeliveries,
  account, group,
  listRules, saveRule, ruleVersions, backtest,
  listCases, bulkCases, getCase, claimCase, releaseCase, caseNotes, decideCase,
  listTasks, getTask, claimTask, decideTask, listSignals, importExternal,
  listBanks, createBank, updateBank, bankEntries, match,
  hashMedia, hmaHash, hmaLookup, hmaRawLookup, hmaIndexStatus,
  listExchanges, createExchange, updateExchange, fetchExchange, sharedBanks,
  legalReports, editLegalReport, sendLegalReport, retractLegalReport, listHolds, placeHold, releaseHold, legalVault, leRequests, transparency,
  psiTables, psiOpenings, psiPolicy, psiTableBytes, psiOpeningBlob,
  actions, appeals, settings, myExposure, teamExposure, mediaContent, reports,
  flaggerOrgs, fileFlag, readFlags, publicReport,
  termList, termListVersion, tryTermList,
];
