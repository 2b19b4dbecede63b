// Browser-safe core: normalisation, term lists, detection, evaluation.
export { normalise, type Normalised, type Token } from './normalise.ts';
export {
  PIPELINE,
  nfkc,
  invisible,
  accents,
  confusables,
  lowercase,
  emoji,
  leetspeak,
  separators,
  repeats,
} from './steps.ts';
export {
  parseTermList,
  termListSchema,
  SURFACES,
  KINDS,
  LEGACY_COMBINATIONS,
  TermListError,
  type TermList,
  type Term,
  type Combination,
  type Kind,
  type Surface,
} from './list.ts';
export {
  detect,
  matcherFor,
  type Matcher,
  type Detection,
  type DetectOptions,
  type Hit,
  type Place,
} from './detect.ts';
export {
  evaluate,
  parseTsv,
  formatReport,
  recallByNote,
  formatByNote,
  type EvalRow,
  type EvalReport,
  type NoteFigures,
} from './evaluate.ts';
export { DEFAULT_TERM_LIST } from './default-list.ts';
