// Orientation lookups wherever Vigil hashes media itself, beyond /v1/match on images: HMA's
// /m/lookup (upload and URL) and video frames (/v1/match and /m/lookup). A bank from a plain list
// of generated originals' PDQ hashes; mirrored and turned copies match and say how, the same hash
// sent as a hash (looked up as it is) and unrelated media do not.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { hashImageFile } from '@vigil/pdq';
import { DIALECTS, testApp, staffSession, apiKey, silentLog, type TestApp } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { generate, nth } from '../../pdq/test/generated.ts';
import { transformSet } from '../../pdq/test/transforms.ts';

function multipart(field: string, filename: string, bytes: Buffer) {
  const boundary = '----vigilhma' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const T = Object.fromEntries(transformSet().map((t) => [t.name, t]));
type Obj = { bank: string; content_id: number; distance: number; transform?: string; view?: string; frame?: number };

/** A 2-second H.264 video of one still image, with an ffmpeg filter applied to every frame. */
function video(dir: string, png: Buffer, vf: string): Buffer {
  writeFileSync(join(dir, 'still.png'), png);
  const out = join(dir, 'v.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-loop',
    '1',
    '-i',
    join(dir, 'still.png'),
    '-t',
    '2',
    '-r',
    '5',
    '-vf',
    `${vf},format=yuv420p`,
    '-y',
    out,
  ]);
  return readFileSync(out);
}

for (const dialect of DIALECTS) {
  describe(`orientation lookups in HMA /m/lookup and video frames (${dialect})`, { timeout: 600_000 }, () => {
    let ta: TestApp;
    let key: Record<string, string>;
    let server: Server;
    let base = '';
    let dir = '';
    const originals: Buffer[] = [];
    const listed: string[] = [];
    const served = new Map<string, Buffer>();
    const post = async (url: string, field: string, bytes: Buffer, name = 'q.jpg') => {
      const m = multipart(field, name, bytes);
      return ta.app.inject({ method: 'POST', url, payload: m.payload, headers: { ...m.headers, ...key } });
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-hmavid-'));
      server = createServer((req, res) => {
        const b = served.get(req.url ?? '');
        if (b) res.writeHead(200, { 'content-type': req.url?.endsWith('.mp4') ? 'video/mp4' : 'image/jpeg' }).end(b);
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ta = await testApp(dialect, {
        media: { allowPrivateFetch: true, maxBytes: 4 * 1024 * 1024, timeoutMs: 5000, hashRemote: true, robust: true },
      });
      const lead = await staffSession(ta, 'lead');
      const staff = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
      key = { authorization: `Bearer ${await apiKey(ta, ['read'])}` };
      const rows = ['signal_type,signal,external_id'];
      for (let i = 0; originals.length < 2; i++) {
        const png = await generate(nth(i).kind, nth(i).seed, 480, 360);
        const h = await hashImageFile(png);
        if (h.quality < 50) continue;
        rows.push(`pdq,${h.pdq},orig-${originals.length}`);
        listed.push(h.pdq);
        originals.push(png);
      }
      await ta.app.inject({
        method: 'POST',
        url: '/v1/banks',
        headers: staff,
        payload: { name: 'LISTED', kind: 'block' },
      });
      const r = await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/LISTED/entries',
        headers: { ...staff, 'content-type': 'text/csv' },
        payload: rows.join('\n') + '\n',
      });
      assert.deepEqual(r.json(), { added: 2, duplicates: 0 });
    });
    after(async () => {
      await ta.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('POST /m/lookup: a mirrored upload matches in HMA shape; include_matches says which transform', async () => {
      const mirrored = await T.mirror!.apply(originals[0]!, 0);
      const asHash = (await hashImageFile(mirrored)).pdq;
      // Sent as a hash, the mirrored copy is looked up as it is and is far from the listed one.
      assert.deepEqual(
        (
          await ta.app.inject({ method: 'GET', url: `/m/lookup?signal_type=pdq&signal=${asHash}`, headers: key })
        ).json(),
        [],
      );
      const r = await post('/m/lookup', 'photo', mirrored);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { pdq: ['LISTED'], md5: [], sha256: [] });
      const d = await post('/m/lookup?include_matches=true', 'photo', mirrored);
      const pdq = d.json().pdq as Obj[];
      assert.equal(pdq.length, 1);
      assert.equal(pdq[0]!.bank, 'LISTED');
      assert.equal(pdq[0]!.transform, 'flipy');
      assert.ok(pdq[0]!.distance <= 31);
      assert.equal((await post('/m/lookup?include_matches=maybe', 'photo', mirrored)).statusCode, 400);
      const other = await sharp(await generate(nth(800).kind, nth(800).seed, 400, 300))
        .jpeg()
        .toBuffer();
      assert.deepEqual((await post('/m/lookup', 'photo', other)).json(), { pdq: [], md5: [], sha256: [] });
    });

    it('GET /m/lookup?url=: a quarter-turned image fetched by URL matches with its transform', async () => {
      served.set('/turned.jpg', await T['rotate-90']!.apply(originals[1]!, 1));
      const r = await ta.app.inject({
        method: 'GET',
        url: `/m/lookup?include_matches=1&url=${encodeURIComponent(base + '/turned.jpg')}`,
        headers: key,
      });
      assert.equal(r.statusCode, 200, r.body);
      const pdq = r.json().pdq as Obj[];
      assert.deepEqual(
        pdq.map((m) => [m.bank, m.transform]),
        [['LISTED', 'rot90']],
      );
      const plain = await ta.app.inject({
        method: 'GET',
        url: `/m/lookup?url=${encodeURIComponent(base + '/turned.jpg')}`,
        headers: key,
      });
      assert.deepEqual(plain.json().pdq, ['LISTED']);
    });

    it('video: a mirrored video matches frame by frame through /v1/match and /m/lookup, with transform and frame', async () => {
      const mp4 = video(dir, originals[0]!, 'hflip');
      const m = await post('/v1/match', 'file', mp4, 'v.mp4');
      assert.equal(m.statusCode, 200, m.body);
      const best = m.json().matches[0];
      assert.equal(m.json().hashes.kind, 'video');
      assert.equal(best?.external_id, 'orig-0');
      assert.equal(best?.transform, 'flipy');
      assert.equal(typeof best?.frame, 'number');
      const h = await post('/m/lookup', 'video', mp4, 'v.mp4');
      assert.equal(h.statusCode, 200, h.body);
      assert.deepEqual(h.json().vpdq, ['LISTED']);
      const hd = await post('/m/lookup?include_matches=true', 'video', mp4, 'v.mp4');
      const v = hd.json().vpdq as Obj[];
      assert.deepEqual(
        v.map((x) => [x.bank, x.transform]),
        [['LISTED', 'flipy']],
      );
      assert.equal(typeof v[0]!.frame, 'number');
      // Upright, the same video matches as it is; a video of an unrelated image matches nothing.
      const upright = (await post('/v1/match', 'file', video(dir, originals[0]!, 'null'), 'v.mp4')).json().matches[0];
      assert.deepEqual([upright?.external_id, upright?.transform], ['orig-0', 'identity']);
      const other = await generate(nth(801).kind, nth(801).seed, 480, 360);
      assert.deepEqual((await post('/v1/match', 'file', video(dir, other, 'hflip'), 'v.mp4')).json().matches, []);
    });

    it('the analysis job: a mirrored video shared by URL matches frame by frame, with transform and frame in the evidence', async () => {
      // originals[1]'s DCT-domain flip is over 31 bits from its listed hash: only the turned-pixel frame hash matches.
      served.set('/shared-mirrored.mp4', video(dir, originals[1]!, 'hflip'));
      served.set('/shared-other.mp4', video(dir, await generate(nth(802).kind, nth(802).seed, 480, 360), 'hflip'));
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'vid-1',
            type: 'media.shared',
            occurred_at: '2026-11-20T10:00:00Z',
            account_id: 'acc-vid',
            surface: 'public_post',
            media: { id: 'm-vid-1', url: `${base}/shared-mirrored.mp4` },
          },
          {
            id: 'vid-2',
            type: 'media.shared',
            occurred_at: '2026-11-20T10:00:00Z',
            account_id: 'acc-vid-other',
            surface: 'public_post',
            media: { id: 'm-vid-2', url: `${base}/shared-other.mp4` },
          },
        ]),
        ta.clock,
      );
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while (await w.runOnce());
      const sig = await ta.ctx.db.kysely
        .selectFrom('signals')
        .select(['subject_id', 'evidence'])
        .where('kind', '=', 'media.match')
        .where('subject_id', 'like', 'acc-vid%')
        .execute();
      assert.deepEqual(
        sig.map((s) => s.subject_id),
        ['acc-vid'],
      );
      const ev = JSON.parse(sig[0]!.evidence);
      assert.equal(ev.entry_external_id, 'orig-1');
      assert.equal(ev.view, 'reoriented');
      assert.equal(ev.transform, 'flipy');
      assert.equal(typeof ev.frame, 'number');
    });
  });
}
