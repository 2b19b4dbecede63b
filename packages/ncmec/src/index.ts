// @vigil/ncmec: CyberTipline reports — typed model, schema-ordered XML validated against NCMEC's XSD,
// the API client, a crash-safe filer, and (in ./fake) a local stand-in server for tests and the demo.
export * from './model.ts';
export { reportXml, fileDetailsXml, esc } from './xml.ts';
export { validateNcmecXml, findXsd, NcmecValidationError } from './validate.ts';
export { NcmecError, parseResponse, RESPONSE_CODES, type NcmecResponse } from './responses.ts';
export { CyberTiplineClient, CYBERTIPLINE_URLS, type ClientOptions } from './client.ts';
export {
  fileReport,
  retractFiling,
  expiresAt,
  FileJournal,
  type FilingJournal,
  type FilingState,
  type FilingFile,
} from './filer.ts';
export { renderExampleReport, EXAMPLE_REPORT, EXAMPLE_FILE } from './example.ts';
export { locateProblems, locateProblemsIn, type LocatedProblem } from './locate.ts';
