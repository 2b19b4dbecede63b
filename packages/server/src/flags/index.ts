// Flags' public face: intake, organisations, escalation and late matching, their part of review's decisions.
// Other modules, the routes and the wiring import from here only (checked by .dependency-cruiser.cjs).
export { flagsOnClaim, flagsOnDecision } from './decision-effects.ts';
export { CATEGORIES, fileFlags, flagInput, SUBJECT_KINDS, type FlagInput } from './intake.ts';
export { flagMatchAnalyser, startEscalationLoop } from './lifecycle.ts';
export { createFlaggerOrg, createFlaggerOrgKey, FLAGGER_ORG_KINDS } from './orgs.ts';
