// Browser-safe core: normalisation, term lists, detection, evaluation.
export { normalise, type Normalised, type Token } from './normalise.ts';
export { PIPELINE, nfkc, invisible, confusables, lowercase, emoji, leetspeak, separators, repeats } from './steps.ts';
export { parseTermList, termListSchema, SURFACES, TermListError, type TermList, type Term, type Surface } from './list.ts';
export { detect, matcherFor, type Detection, type Hit } from './detect.ts';
export { evaluate, parseTsv, formatReport, type EvalRow, type EvalReport } from './evaluate.ts';
export { DEFAULT_TERM_LIST } from './default-list.ts';
