// The CyberTipline API client: submit, upload, fileinfo, finish, retract, status. HTTP Basic auth,
// the Request-ID of every answer logged, NCMEC's codes mapped to NcmecError.
//
// Retries never risk filing twice: GET status, fileinfo and retract are retried on transport errors
// and 5xx; submit and upload are not (a submit that timed out may have opened a report — the filer
// finds out by its journal, never by submitting again); finish is retried only on errors that happen
// before a response arrives, and "already finished" (5102) counts as success.
import { fileDetailsXml, reportXml } from './xml.ts';
import { validateNcmecXml } from './validate.ts';
import { NcmecError, parseResponse, RESPONSE_CODES, type NcmecResponse } from './responses.ts';
import type { FileDetails, Report } from './model.ts';

export const CYBERTIPLINE_URLS = {
  test: 'https://exttest.cybertip.org/ispws',
  production: 'https://report.cybertip.org/ispws',
} as const;

export interface ClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  timeoutMs?: number;
  retries?: number;
  xsdPath?: string;
  /** pino-style logger; every answer's Request-ID is logged at info. */
  log?: { info: (o: object, msg?: string) => void; warn: (o: object, msg?: string) => void };
}

export class CyberTiplineClient {
  private readonly auth: string;
  constructor(private readonly o: ClientOptions) {
    this.auth = `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`;
  }

  async status(): Promise<NcmecResponse> {
    return this.call('GET', '/status', undefined, { retry: true });
  }

  /** Validates against the XSD, then opens a report; returns NCMEC's report id. */
  async submit(report: Report): Promise<number> {
    const xml = reportXml(report);
    await validateNcmecXml(xml, this.o.xsdPath);
    const r = await this.call('POST', '/submit', { body: xml, type: 'text/xml; charset=utf-8' }, { retry: false });
    if (!r.reportId)
      throw new NcmecError('NCMEC accepted the report but sent no report id', {
        code: r.responseCode,
        retryable: false,
      });
    return r.reportId;
  }

  async upload(reportId: number, file: { name: string; bytes: Uint8Array }): Promise<{ fileId: string; md5?: string }> {
    const form = new FormData();
    form.set('id', String(reportId));
    form.set('file', new Blob([Uint8Array.from(file.bytes)]), file.name);
    const r = await this.call('POST', '/upload', { form }, { retry: false });
    if (!r.fileId)
      throw new NcmecError('NCMEC accepted the upload but sent no file id', { code: r.responseCode, retryable: false });
    return { fileId: r.fileId, ...(r.hash ? { md5: r.hash } : {}) };
  }

  async fileinfo(details: FileDetails): Promise<void> {
    const xml = fileDetailsXml(details);
    await validateNcmecXml(xml, this.o.xsdPath);
    await this.call('POST', '/fileinfo', { body: xml, type: 'text/xml; charset=utf-8' }, { retry: true });
  }

  async finish(reportId: number): Promise<{ reportId: number; files: string[] }> {
    const r = await this.call(
      'POST',
      '/finish',
      { body: new URLSearchParams({ id: String(reportId) }).toString(), type: 'application/x-www-form-urlencoded' },
      { retry: 'before-response', okCodes: [5102] },
    );
    return { reportId, files: r.files ?? [] };
  }

  async retract(reportId: number): Promise<void> {
    await this.call(
      'POST',
      '/retract',
      { body: new URLSearchParams({ id: String(reportId) }).toString(), type: 'application/x-www-form-urlencoded' },
      { retry: true, okCodes: [5101] },
    );
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: { body?: string; type?: string; form?: FormData } | undefined,
    o: { retry: boolean | 'before-response'; okCodes?: number[] },
  ): Promise<NcmecResponse> {
    const attempts = o.retry ? 1 + (this.o.retries ?? 2) : 1;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.o.baseUrl.replace(/\/+$/, '') + path, {
          method,
          headers: { authorization: this.auth, ...(body?.type ? { 'content-type': body.type } : {}) },
          body: body?.form ?? body?.body,
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
        });
      } catch (e) {
        last = new NcmecError(`${path}: no answer from NCMEC (${(e as Error).message})`, { retryable: true });
        if (attempt < attempts) await sleep(200 * 2 ** attempt);
        continue;
      }
      const requestId = res.headers.get('request-id');
      const text = await res.text();
      this.o.log?.info({ path, status: res.status, requestId }, 'cybertipline answered');
      if (res.status === 401)
        throw new NcmecError(`${path}: NCMEC refused the credentials (HTTP 401)`, {
          httpStatus: 401,
          requestId,
          retryable: false,
        });
      if (res.status >= 500) {
        last = new NcmecError(`${path}: NCMEC server error (HTTP ${res.status})`, {
          httpStatus: res.status,
          requestId,
          retryable: true,
        });
        if (o.retry === true && attempt < attempts) {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        throw last;
      }
      const r = parseResponse(text);
      if (r.responseCode !== 0 && !o.okCodes?.includes(r.responseCode)) {
        throw new NcmecError(
          `${path}: NCMEC answered ${r.responseCode} (${RESPONSE_CODES[r.responseCode] ?? 'unknown code'}): ${r.responseDescription}`,
          {
            code: r.responseCode,
            httpStatus: res.status,
            requestId,
            retryable: r.responseCode === 1000,
            description: r.responseDescription,
          },
        );
      }
      return r;
    }
    throw last;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
