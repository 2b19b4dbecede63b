// Detection's public face: analysers, rules and their store, the analysis job, signals from outside.
// Other modules, the routes and the wiring import from here only (checked by .dependency-cruiser.cjs).
export { analyzeEventHandler } from './analyze-job.ts';
export { backtestRule, type BacktestReport } from './backtest.ts';
export { behaviourAnalyser } from './behaviour.ts';
export { externalAnalyser, importExternalSignals, normaliseExternal } from './external.ts';
export { waitingFlagKeys } from './flag-keys.ts';
export { mediaMatchAnalyser } from './media-analyser.ts';
export { compileRule } from './rule-language.ts';
export { DEFAULT_RULES, ensureDefaultRules, listRules, saveRule } from './rules-store.ts';
export { recordSignal, SEVERITY, subjectSignals, type Analyser, type Finding } from './signals.ts';
export { currentTermList, ensureDefaultTermList, saveTermList } from './term-lists.ts';
export { textAnalyser } from './text-analyser.ts';
export { timedAnalyser } from './timed-analyser.ts';
