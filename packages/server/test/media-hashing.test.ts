// Hashing and matching uploads, HMA-compatible routes, list formats, confirm/deconfirm and the
// incremental bank index, on both storage dialects.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DIALECTS, testApp, staffSession, apiKey, type TestApp } from './helpers.ts';
import { BankIndex } from '../src/media/bank-index.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { silentLog } from './helpers.ts';
import { BRIDGE_MODS } from '../../pdq/test/shared.ts';

const CONF = BRIDGE_MODS;
const ORIG = readFileSync(join(CONF, 'aaa-orig.jpg'));
const ORIG_PDQ = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const BLURRED = readFileSync(join(CONF, 'blur-a-lot.jpg'));

function multipart(field: string, filename: string, bytes: Buffer) {
  const boundary = '----vigiltest' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function gradient(w: number, h: number, seed: number): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      px.set([(x * seed) % 256, (y * 3 + seed) % 256, ((x ^ y) * seed) % 256], (y * w + x) * 3);
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

for (const dialect of DIALECTS) {
  describe(`media hashing and matching (${dialect})`, () => {
    let ta: TestApp;
    let staff: Record<string, string>;
    let key: Record<string, string>;
    let server: Server;
    let base = '';
    before(async () => {
      server = createServer((req, res) => {
        if (req.url === '/orig.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(ORIG);
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ta = await testApp(dialect, {
        media: { allowPrivateFetch: true, maxBytes: 2 * 1024 * 1024, timeoutMs: 5000, hashRemote: true, robust: true },
      });
      const lead = await staffSession(ta, 'lead');
      staff = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
      key = { authorization: `Bearer ${await apiKey(ta, ['read'])}` };
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
        payload: `signal_type,signal,external_id,tags,note\npdq,${ORIG_PDQ},ext-1,fixture;benign,our own test image\n`,
      });
      assert.deepEqual(r.json(), { added: 1, duplicates: 0 });
    });
    after(async () => {
      await ta.close();
      server.close();
    });

    it('hashes an uploaded image exactly as the reference, with dihedrals on request', async () => {
      const up = multipart('file', 'a.jpg', ORIG);
      const r = await ta.app.inject({
        method: 'POST',
        url: '/v1/hash?dihedral=true',
        payload: up.payload,
        headers: { ...up.headers, ...key },
      });
      assert.equal(r.statusCode, 200, r.body);
      const b = r.json();
      assert.equal(b.kind, 'image');
      assert.equal(b.pdq, ORIG_PDQ);
      assert.equal(b.quality, 100);
      assert.equal(b.dihedral.rot180, 'adad5a64b5a102e55b62a08856dacd5ae63b847fc337b4b766b319361bc93188');
    });

    it('answers bad uploads clearly', async () => {
      const corrupt = multipart('file', 'x.jpg', Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
      const r1 = await ta.app.inject({
        method: 'POST',
        url: '/v1/hash',
        payload: corrupt.payload,
        headers: { ...corrupt.headers, ...key },
      });
      assert.equal(r1.statusCode, 422);
      assert.equal(r1.json().error.code, 'undecodable_media');
      const big = multipart('file', 'big.bin', Buffer.alloc(3 * 1024 * 1024, 7));
      const r2 = await ta.app.inject({
        method: 'POST',
        url: '/v1/hash',
        payload: big.payload,
        headers: { ...big.headers, ...key },
      });
      assert.equal(r2.statusCode, 413);
      const r3 = await ta.app.inject({ method: 'POST', url: '/v1/hash', payload: { x: 1 }, headers: key });
      assert.equal(r3.statusCode, 415);
      const r4 = await ta.app.inject({
        method: 'POST',
        url: '/v1/hash',
        payload: corrupt.payload,
        headers: corrupt.headers,
      });
      assert.equal(r4.statusCode, 401, 'no credentials, no hashing');
    });

    it('matches an upload (a re-encoded copy) and a video made from the listed image', async () => {
      const m = multipart('file', 'b.jpg', BLURRED);
      const r = await ta.app.inject({
        method: 'POST',
        url: '/v1/match',
        payload: m.payload,
        headers: { ...m.headers, ...key },
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().matches.length, 1);
      assert.equal(r.json().matches[0].external_id, 'ext-1');
      assert.ok(r.json().matches[0].distance > 0 && r.json().matches[0].distance <= 31);
      const dir = mkdtempSync(join(tmpdir(), 'vigil-vid-'));
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-loop',
        '1',
        '-i',
        join(CONF, 'aaa-orig.jpg'),
        '-t',
        '2',
        '-r',
        '5',
        '-vf',
        'scale=640:-2',
        '-pix_fmt',
        'yuv420p',
        '-b:v',
        '300k',
        '-y',
        join(dir, 'v.mp4'),
      ]);
      const v = multipart('file', 'v.mp4', readFileSync(join(dir, 'v.mp4')));
      const rv = await ta.app.inject({
        method: 'POST',
        url: '/v1/match',
        payload: v.payload,
        headers: { ...v.headers, ...key },
      });
      assert.equal(rv.statusCode, 200, rv.body);
      assert.equal(rv.json().hashes.kind, 'video');
      assert.equal(rv.json().matches[0]?.bank, 'LISTED', 'a frame of the re-encoded, resized video matches');
      const other = multipart('file', 'g.png', await gradient(200, 150, 7));
      assert.equal(
        (
          await ta.app.inject({
            method: 'POST',
            url: '/v1/match',
            payload: other.payload,
            headers: { ...other.headers, ...key },
          })
        ).json().matches.length,
        0,
      );
    });

    it('speaks HMA: /h/hash, /m/lookup, /m/raw_lookup, /m/index/status', async () => {
      const up = multipart('photo', 'a.jpg', ORIG);
      const h = await ta.app.inject({
        method: 'POST',
        url: '/h/hash',
        payload: up.payload,
        headers: { ...up.headers, ...key },
      });
      assert.equal(h.json().pdq, ORIG_PDQ);
      const wrongField = multipart('file', 'a.jpg', ORIG);
      assert.equal(
        (
          await ta.app.inject({
            method: 'POST',
            url: '/h/hash',
            payload: wrongField.payload,
            headers: { ...wrongField.headers, ...key },
          })
        ).statusCode,
        400,
      );
      const lookup = await ta.app.inject({
        method: 'GET',
        url: `/m/lookup?signal_type=pdq&signal=${ORIG_PDQ}`,
        headers: key,
      });
      assert.deepEqual(lookup.json(), ['LISTED']);
      assert.deepEqual(
        (
          await ta.app.inject({
            method: 'GET',
            url: `/m/lookup?signal_type=pdq&signal=${'0'.repeat(64)}`,
            headers: key,
          })
        ).json(),
        [],
      );
      assert.equal(
        (await ta.app.inject({ method: 'GET', url: `/m/lookup?signal_type=tmk&signal=00`, headers: key })).statusCode,
        400,
      );
      const post = multipart('photo', 'b.jpg', BLURRED);
      const pl = await ta.app.inject({
        method: 'POST',
        url: '/m/lookup',
        payload: post.payload,
        headers: { ...post.headers, ...key },
      });
      assert.deepEqual(pl.json().pdq, ['LISTED']);
      assert.deepEqual(pl.json().md5, []);
      const raw = await ta.app.inject({
        method: 'GET',
        url: `/m/raw_lookup?signal_type=pdq&signal=${ORIG_PDQ}&include_distance=true`,
        headers: key,
      });
      assert.deepEqual(raw.json(), { matches: [{ content_id: 1, distance: '0' }] });
      assert.deepEqual(
        (
          await ta.app.inject({ method: 'GET', url: `/m/raw_lookup?signal_type=pdq&signal=${ORIG_PDQ}`, headers: key })
        ).json(),
        { matches: [1] },
      );
      const st = (await ta.app.inject({ method: 'GET', url: '/m/index/status', headers: key })).json();
      assert.equal(st.pdq.present, true);
      assert.equal(st.pdq.size, 1);
    });

    it('fetches and hashes media given only by URL: /h/hash?url= and profile photos in the pipeline', async () => {
      const h = await ta.app.inject({
        method: 'GET',
        url: `/h/hash?url=${encodeURIComponent(base + '/orig.jpg')}`,
        headers: key,
      });
      assert.equal(h.json().pdq, ORIG_PDQ);
      const gone = await ta.app.inject({
        method: 'GET',
        url: `/h/hash?url=${encodeURIComponent(base + '/gone.jpg')}`,
        headers: key,
      });
      assert.equal(gone.statusCode, 502);
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'url-1',
            type: 'account.created',
            occurred_at: '2026-11-20T10:00:00Z',
            account: { id: 'acc-url', username: 'maple', avatar: { url: `${base}/orig.jpg` } },
          },
          {
            id: 'url-2',
            type: 'account.created',
            occurred_at: '2026-11-20T10:00:00Z',
            account: { id: 'acc-404', username: 'birch', avatar: { url: `${base}/gone.jpg` } },
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
        .select(['subject_id', 'kind', 'evidence'])
        .where('kind', 'in', ['media.match', 'media.unhashable'])
        .orderBy('subject_id')
        .execute();
      assert.deepEqual(
        sig.map((s) => [s.subject_id, s.kind]),
        [
          ['acc-404', 'media.unhashable'],
          ['acc-url', 'media.match'],
        ],
      );
      assert.equal(JSON.parse(sig[1]!.evidence).subject_hashes.pdq, ORIG_PDQ);
    });

    it('exports HMA CSV that imports back to the same entries', async () => {
      const csv = await ta.app.inject({
        method: 'GET',
        url: '/v1/banks/LISTED/entries?format=hma-csv',
        headers: { cookie: staff.cookie! },
      });
      assert.equal(
        csv.body,
        `signal_type,signal,external_id,tags,note,source,confirmed,disabled\npdq,${ORIG_PDQ},ext-1,fixture;benign,our own test image,,0,0\n`,
      );
      await ta.app.inject({
        method: 'POST',
        url: '/v1/banks',
        headers: staff,
        payload: { name: 'COPY', kind: 'block' },
      });
      const imp = await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/COPY/entries',
        headers: { ...staff, 'content-type': 'text/csv' },
        payload: csv.body,
      });
      assert.deepEqual(imp.json(), { added: 1, duplicates: 0 });
      const e = (
        await ta.app.inject({ method: 'GET', url: '/v1/banks/COPY/entries', headers: { cookie: staff.cookie! } })
      ).json().entries[0];
      assert.deepEqual(
        [e.value, e.external_id, e.tags, e.note],
        [ORIG_PDQ, 'ext-1', ['fixture', 'benign'], 'our own test image'],
      );
      const bad = await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/COPY/entries',
        headers: { ...staff, 'content-type': 'text/csv' },
        payload: `pdq,${'a'.repeat(64)}\ntmk,abc\n`,
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /line 2: unknown signal type "tmk"/);
      assert.equal(
        (await ta.app.inject({ method: 'PATCH', url: '/v1/banks/COPY', headers: staff, payload: { enabled: false } }))
          .statusCode,
        200,
      );
    });

    it('deconfirming stops matches; confirming brings them back; removals and additions apply without a rebuild', async () => {
      const index = ta.ctx.bankIndex;
      await index.refresh(ta.ctx.db.kysely);
      const rebuilt = index.status().rebuiltAt;
      const match = () =>
        ta.app
          .inject({ method: 'POST', url: '/v1/match', headers: key, payload: { pdq: ORIG_PDQ } })
          .then((r) => r.json().matches.length);
      assert.equal(await match(), 1);
      const dc = await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/LISTED/entries/1/deconfirm',
        headers: staff,
        payload: { reason: 'matches benign content again and again' },
      });
      assert.deepEqual(dc.json(), { entry_id: 1, confirmed: false, disabled: true });
      assert.equal(await match(), 0);
      await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/LISTED/entries/1/confirm',
        headers: staff,
        payload: { reason: 'second review: correct entry' },
      });
      assert.equal(await match(), 1);
      const extra = 'aa'.repeat(32);
      await ta.app.inject({
        method: 'POST',
        url: '/v1/banks/LISTED/entries',
        headers: staff,
        payload: { entries: [{ signal_type: 'pdq', value: extra }] },
      });
      const id = (
        await ta.app.inject({ method: 'GET', url: `/m/raw_lookup?signal_type=pdq&signal=${extra}`, headers: key })
      ).json().matches[0];
      assert.ok(id > 1);
      await ta.app.inject({ method: 'DELETE', url: `/v1/banks/LISTED/entries/${id}`, headers: staff });
      assert.deepEqual(
        (
          await ta.app.inject({ method: 'GET', url: `/m/raw_lookup?signal_type=pdq&signal=${extra}`, headers: key })
        ).json().matches,
        [],
      );
      assert.equal(index.status().rebuiltAt, rebuilt, 'entry changes were applied as deltas');
      // A fresh index built from the database agrees with the incrementally maintained one.
      const fresh = new BankIndex();
      await fresh.refresh(ta.ctx.db.kysely);
      assert.equal(fresh.status().pdq, index.status().pdq);
      const audit = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'like', 'bank.entries.%confirm')
        .execute();
      assert.deepEqual(audit.map((a) => a.action).sort(), ['bank.entries.confirm', 'bank.entries.deconfirm']);
    });
  });
}
