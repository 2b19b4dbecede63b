// The banks' public face (hash banks, the bank index, hashing and matching media, the banks' part of decisions).
// Other modules, the routes and the wiring import from here only (checked by .dependency-cruiser.cjs).
export {
  checkPlainLines,
  HMA_CSV_HEADER,
  hmaCsvRow,
  LIST_FORMATS,
  parseHmaCsv,
  parseJsonEntries,
  parseList,
  sniffFormat,
  type ListFormat,
} from './bank-formats.ts';
export { BankIndex, type BankMatch } from './bank-index.ts';
export {
  addEntries,
  bankByName,
  bump,
  createBank,
  deleteBank,
  normaliseHash,
  parsePlainList,
  removeEntry,
  setEntryConfirmation,
  updateBank,
  type EntryInput,
  type SignalType,
} from './banks.ts';
export { banksOnDecision } from './decision-effects.ts';
export { decodeLimiter } from './decode-limit.ts';
export { fetchMedia } from './fetch.ts';
export { hashBytes, hashesJson } from './hash-upload.ts';
export { hmaHashes, hmaLookup, hmaSignal } from './hma.ts';
export {
  frameProbes,
  imageProbes,
  lookupProbes,
  matchMedia,
  type FileMatch,
  type ImageQuery,
  type Probe,
} from './match-media.ts';
export { hashRemoteRefs, unhashedRefs, withRemoteHashes, type RemoteFrame, type RemoteHashes } from './remote-hash.ts';
