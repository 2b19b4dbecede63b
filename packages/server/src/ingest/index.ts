// Ingest's public face: event schemas, batch ingest and the event.apply job.
// Other modules, the routes and the wiring import from here only (checked by .dependency-cruiser.cjs).
export { applyEventHandler, enqueueAnalysis, type EventFollowUp } from './apply.ts';
export { EVENT_TYPES, eventBatch, platformEvent, subjectOf, type PlatformEvent } from './events.ts';
export { ingestEvents, invalidBatch, validateEvents, type EventProblem } from './ingest.ts';
