// A local stand-in for NCMEC's CyberTipline API (NCMEC cannot be reached from here), for tests and
// the demo. Same endpoints, Basic auth (401 with an empty body), the same XML answers and codes,
// libxml2 validation of incoming XML against the XSD (4100 with its messages), multipart uploads,
// deletion of open reports NCMEC-style (24 h after opening or 1 h after the last change), a
// Request-ID on every answer, and failures to inject. It shares no code with the client.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';

export interface FakeReport {
  reportId: number;
  xml: string;
  status: 'open' | 'finished' | 'retracted' | 'expired';
  openedAt: number;
  lastChangeAt: number;
  files: { fileId: string; name: string; md5: string; size: number; detailsXml?: string }[];
}

export interface FakeCyberTipline {
  url: string;
  reports: FakeReport[];
  requests: { method: string; path: string; status: number; requestId: string }[];
  /** The next `count` calls to `path` answer HTTP `status` (e.g. 500), before doing anything. */
  failNext(path: string, count: number, status?: number): void;
  /** The next call to `path` does its work, then waits `ms` before answering (a client timeout). */
  delayNext(path: string, ms: number): void;
  /** Moves the fake's clock (for expiry). */
  advance(ms: number): void;
  close(): Promise<void>;
}

const parser = new XMLParser({ parseTagValue: false });

export async function startFakeCyberTipline(o: {
  username: string;
  password: string;
  xsdPath: string;
  port?: number;
  host?: string;
}): Promise<FakeCyberTipline> {
  const xsd = readFileSync(o.xsdPath, 'utf8');
  const reports: FakeReport[] = [];
  const requests: FakeCyberTipline['requests'] = [];
  const failures = new Map<string, { count: number; status: number }>();
  const delays = new Map<string, number>();
  let offset = 0;
  let nextReportId = 7_000_001;
  const now = () => Date.now() + offset;

  const expire = () => {
    for (const r of reports)
      if (r.status === 'open' && now() >= Math.max(r.openedAt + 86_400_000, r.lastChangeAt + 3_600_000))
        r.status = 'expired';
  };
  const answer = (code: number, description: string, extra = '') =>
    `<?xml version="1.0" encoding="UTF-8"?><reportResponse><responseCode>${code}</responseCode><responseDescription>${description}</responseDescription>${extra}</reportResponse>`;
  const invalid = async (xml: string): Promise<string | null> => {
    const r = await validateXML({
      xml: [{ fileName: 'in.xml', contents: xml }],
      schema: [{ fileName: 'cyber_tipline.xsd', contents: xsd }],
    });
    return r.valid ? null : r.errors.map((e) => e.message.trim()).join('; ');
  };
  const find = (id: unknown) => reports.find((r) => r.reportId === Number(id) && r.status !== 'expired');

  async function handle(req: IncomingMessage, body: Buffer, path: string): Promise<[number, string]> {
    expire();
    if (req.method === 'GET' && path === '/status')
      return [200, answer(0, `Remote User : ${o.username}, Remote Ip : 127.0.0.1`)];
    if (req.method !== 'POST') return [404, ''];
    if (path === '/submit') {
      const xml = body.toString('utf8');
      const bad = await invalid(xml);
      if (bad) return [200, answer(4100, `Validation failed: ${bad}`)];
      const id = nextReportId++;
      reports.push({ reportId: id, xml, status: 'open', openedAt: now(), lastChangeAt: now(), files: [] });
      return [200, answer(0, 'Success', `<reportId>${id}</reportId>`)];
    }
    if (path === '/upload') {
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': req.headers['content-type'] ?? '' },
      })
        .formData()
        .catch(() => null);
      const file = form?.get('file');
      if (!form || !(file instanceof Blob))
        return [200, answer(4000, 'Invalid request: multipart fields id and file are required')];
      const r = find(form.get('id'));
      if (!r) return [200, answer(5001, 'Report does not exist')];
      if (r.status !== 'open') return [200, answer(r.status === 'finished' ? 5102 : 5101, 'Report is not open')];
      const bytes = Buffer.from(await file.arrayBuffer());
      const fileId = createHash('sha1')
        .update(`${r.reportId}:${r.files.length}:${randomUUID()}`)
        .digest('hex')
        .slice(0, 32);
      const md5 = createHash('md5').update(bytes).digest('hex');
      r.files.push({ fileId, name: (file as File).name ?? 'upload', md5, size: bytes.length });
      r.lastChangeAt = now();
      return [
        200,
        answer(0, 'Success', `<reportId>${r.reportId}</reportId><fileId>${fileId}</fileId><hash>${md5}</hash>`),
      ];
    }
    if (path === '/fileinfo') {
      const xml = body.toString('utf8');
      const bad = await invalid(xml);
      if (bad) return [200, answer(4100, `Validation failed: ${bad}`)];
      const fd = parser.parse(xml).fileDetails as { reportId: string; fileId: string };
      const r = find(fd.reportId);
      if (!r) return [200, answer(5001, 'Report does not exist')];
      const f = r.files.find((x) => x.fileId === String(fd.fileId));
      if (!f) return [200, answer(5002, 'File does not exist')];
      f.detailsXml = xml;
      r.lastChangeAt = now();
      return [200, answer(0, 'Success', `<reportId>${r.reportId}</reportId>`)];
    }
    if (path === '/finish' || path === '/retract') {
      const id = new URLSearchParams(body.toString('utf8')).get('id');
      const r = find(id);
      if (!r) return [200, answer(5001, 'Report does not exist')];
      if (r.status === 'finished')
        return [
          200,
          path === '/finish'
            ? `<reportDoneResponse><responseCode>5102</responseCode><reportId>${r.reportId}</reportId></reportDoneResponse>`
            : answer(5102, 'Report already finished'),
        ];
      if (r.status === 'retracted') return [200, answer(5101, 'Report already retracted')];
      if (path === '/retract') {
        r.status = 'retracted';
        return [200, answer(0, 'Success', `<reportId>${r.reportId}</reportId>`)];
      }
      r.status = 'finished';
      return [
        200,
        `<?xml version="1.0" encoding="UTF-8"?><reportDoneResponse><responseCode>0</responseCode><reportId>${r.reportId}</reportId><files>${r.files.map((f) => `<fileId>${f.fileId}</fileId>`).join('')}</files></reportDoneResponse>`,
      ];
    }
    return [404, ''];
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const path = new URL(req.url!, 'http://x').pathname.replace(/^\/ispws/, '');
      const requestId = randomUUID();
      const send = (status: number, text: string) => {
        requests.push({ method: req.method!, path, status, requestId });
        res
          .writeHead(status, { 'request-id': requestId, ...(text ? { 'content-type': 'application/xml' } : {}) })
          .end(text);
      };
      if (req.headers.authorization !== `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`)
        return send(401, '');
      const f = failures.get(path);
      if (f && f.count > 0) {
        f.count--;
        return send(f.status, '');
      }
      try {
        const [status, text] = await handle(req, Buffer.concat(chunks), path);
        const delay = delays.get(path);
        if (delay) {
          delays.delete(path);
          await new Promise((r) => setTimeout(r, delay));
        }
        send(status, text);
      } catch (e) {
        send(200, answer(1000, `Server error: ${(e as Error).message}`));
      }
    });
  });
  await new Promise<void>((r) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', r));
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}/ispws`,
    reports,
    requests,
    failNext: (path, count, status = 500) => failures.set(path, { count, status }),
    delayNext: (path, ms) => delays.set(path, ms),
    advance: (ms) => (offset += ms),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
