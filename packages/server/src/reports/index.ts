// Verified user reports' public face.
// Other modules, the routes and the wiring import from here only (checked by .dependency-cruiser.cjs).
export { relayKeys } from './relay-keys.ts';
export { checkReportSubjects } from './subject.ts';
export { verifyReportFollowUp, type Verification } from './verify.ts';
