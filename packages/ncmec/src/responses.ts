// NCMEC's XML answers (reportResponse, reportDoneResponse) and its response codes as typed errors.
import { XMLParser } from 'fast-xml-parser';

export const RESPONSE_CODES: Record<number, string> = {
  0: 'Success',
  1000: 'Server error',
  1100: 'Save failed',
  1110: 'Upload failed',
  1111: 'File upload failed',
  1210: 'Resource not found',
  1300: 'Update failed',
  2000: 'Authentication required',
  3000: 'Not authorized',
  3100: 'Not authorized for submissions',
  3300: 'Not authorized for updates',
  4000: 'Invalid request',
  4100: 'Validation failed',
  4110: 'Malformed XML',
  4200: 'Malformed file',
  5001: 'Report does not exist',
  5002: 'File does not exist',
  5101: 'Report already retracted',
  5102: 'Report already finished',
};

export class NcmecError extends Error {
  override name = 'NcmecError';
  constructor(
    message: string,
    readonly o: {
      code?: number;
      httpStatus?: number;
      requestId?: string | null;
      retryable: boolean;
      description?: string;
    },
  ) {
    super(message);
  }
  get code() {
    return this.o.code;
  }
  get retryable() {
    return this.o.retryable;
  }
  get requestId() {
    return this.o.requestId ?? null;
  }
}

export interface NcmecResponse {
  responseCode: number;
  responseDescription: string;
  reportId?: number;
  fileId?: string;
  hash?: string;
  files?: string[];
}

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, isArray: (n) => n === 'fileId' });

/** An answer as the parser gives it (parseTagValue off: every value is a string). */
interface Answer {
  responseCode?: string;
  responseDescription?: string;
  reportId?: string;
  fileId?: string | string[];
  hash?: string;
  files?: { fileId?: string | string[] };
}

export function parseResponse(xml: string): NcmecResponse {
  let doc: { reportResponse?: Answer; reportDoneResponse?: Answer };
  try {
    doc = parser.parse(xml);
  } catch (e) {
    throw new NcmecError(`NCMEC answered with malformed XML: ${(e as Error).message}`, { retryable: true });
  }
  const r = doc.reportResponse ?? doc.reportDoneResponse;
  if (!r || r.responseCode === undefined)
    throw new NcmecError(`unexpected answer from NCMEC: ${xml.slice(0, 200)}`, { retryable: true });
  const code = Number(r.responseCode);
  return {
    responseCode: code,
    responseDescription: String(r.responseDescription ?? RESPONSE_CODES[code] ?? ''),
    ...(r.reportId !== undefined ? { reportId: Number(r.reportId) } : {}),
    ...(r.fileId !== undefined ? { fileId: String(Array.isArray(r.fileId) ? r.fileId[0] : r.fileId) } : {}),
    ...(r.hash !== undefined ? { hash: String(r.hash) } : {}),
    ...(doc.reportDoneResponse ? { files: ([] as unknown[]).concat(r.files?.fileId ?? []).map(String) } : {}),
  };
}
