// Private matching's public face: keys, signed tables, the voucher analyser, opening blobs.
// Other modules, the routes and the wiring import from here only (checked by .dependency-cruiser.cjs).
export { psiKeys } from './keys.ts';
export { storeOpeningBlob } from './opening-blobs.ts';
export { buildPsiTable, latestTable, listTables, tableBytes } from './tables.ts';
export { voucherAnalyser } from './voucher-analyser.ts';
