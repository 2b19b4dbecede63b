// Dihedral and robust matching on the real routes and in the analysis job: a bank from a plain
// list of generated originals' PDQ hashes; uploads and fetched media that were mirrored, rotated
// or captioned match and say how; unrelated generated images do not.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { hashImageFile } from '@vigil/pdq';
import { DIALECTS, testApp, staffSession, apiKey, silentLog, type TestApp } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { generate, nth } from '../../pdq/test/generated.ts';
import { transformSet } from '../../pdq/test/transforms.ts';

function multipart(filename: string, bytes: Buffer) {
  const boundary = '----vigilrobust' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const T = Object.fromEntries(transformSet().map((t) => [t.name, t]));

for (const dialect of DIALECTS) {
  describe(`dihedral and robust media matching (${dialect})`, { timeout: 600_000 }, () => {
    let ta: TestApp;
    let key: Record<string, string>;
    let server: Server;
    let base = '';
    const originals: Buffer[] = [];
    const served = new Map<string, Buffer>();
    const upload = async (bytes: Buffer, query = '') => {
      const m = multipart('q.jpg', bytes);
      const r = await ta.app.inject({
        method: 'POST',
        url: `/v1/match${query}`,
        payload: m.payload,
        headers: { ...m.headers, ...key },
      });
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as {
        matches: { external_id: string; distance: number; transform?: string; view?: string }[];
        hashes: { dihedral?: Record<string, string>; views?: unknown[] };
      };
    };

    before(async () => {
      server = createServer((req, res) => {
        const b = served.get(req.url ?? '');
        if (b) res.writeHead(200, { 'content-type': 'image/jpeg' }).end(b);
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // media.robust is not set: robust matching is on by default.
      ta = await testApp(dialect, {
        media: { allowPrivateFetch: true, maxBytes: 4 * 1024 * 1024, timeoutMs: 5000, hashRemote: true, robust: true },
      });
      const lead = await staffSession(ta, 'lead');
      const staff = { cookie: lead.cookie, 'x-csrf-token': lead.csrf };
      key = { authorization: `Bearer ${await apiKey(ta, ['read'])}` };
      const rows = ['signal_type,signal,external_id'];
      for (let i = 0; originals.length < 3; i++) {
        const png = await generate(nth(i).kind, nth(i).seed, 480, 360);
        const h = await hashImageFile(png);
        if (h.quality < 50) continue;
        rows.push(`pdq,${h.pdq},orig-${originals.length}`);
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
      assert.deepEqual(r.json(), { added: 3, duplicates: 0 });
    });
    after(async () => {
      await ta.close();
      server.close();
    });

    it('/v1/match: a mirrored or quarter-turned upload matches and says which transform', async () => {
      const m = await upload(await T.mirror!.apply(originals[0]!, 0));
      assert.equal(m.matches[0]?.external_id, 'orig-0');
      assert.equal(m.matches[0]?.transform, 'flipy');
      assert.ok(m.matches[0]!.distance <= 31);
      assert.equal(Object.keys(m.hashes.dihedral ?? {}).length, 7);
      const r = await upload(await T['rotate-270']!.apply(originals[1]!, 1));
      assert.deepEqual([r.matches[0]?.external_id, r.matches[0]?.transform], ['orig-1', 'rot270']);
      const same = await upload(await sharp(originals[2]!).jpeg({ quality: 80 }).toBuffer());
      assert.equal(same.matches[0]?.transform, 'identity');
      assert.equal(same.matches[0]?.view, undefined);
    });

    it('/v1/match: robust views by default (caption bar, small rotation), off with ?robust=false', async () => {
      const cap = await T['caption-bottom-25']!.apply(originals[1]!, 1);
      const m = await upload(cap);
      assert.equal(m.matches[0]?.external_id, 'orig-1');
      assert.match(m.matches[0]?.view ?? '', /^trim/);
      assert.ok(Array.isArray(m.hashes.views));
      assert.deepEqual((await upload(cap, '?robust=false')).matches, []);
      const rot = await upload(await T['rotate-3']!.apply(originals[2]!, 2));
      assert.equal(rot.matches[0]?.external_id, 'orig-2');
      assert.match(rot.matches[0]?.view ?? '', /^derotate-[234]$/);
    });

    it('/v1/match: cropped uploads match through uncrop views on the bits they know', async () => {
      for (const [name, i] of [
        ['crop-8', 0],
        ['crop-corner-10', 1],
      ] as const) {
        const m = await upload(await T[name]!.apply(originals[i]!, i));
        assert.equal(m.matches[0]?.external_id, `orig-${i}`, name);
        assert.match(m.matches[0]?.view ?? '', /^uncrop-/, name);
        assert.ok(m.matches[0]!.distance <= 31, name);
        assert.deepEqual(
          (await upload(await T[name]!.apply(originals[i]!, i), '?robust=false')).matches,
          [],
          `${name} needs the robust views`,
        );
      }
    });

    it('/v1/match: unrelated generated images match nothing, even robustly', async () => {
      for (let i = 0; i < 14; i++) {
        const img = await sharp(await generate(nth(700 + i).kind, nth(700 + i).seed, 400, 300))
          .jpeg({ quality: 85 })
          .toBuffer();
        assert.deepEqual((await upload(img)).matches, [], `image ${i}`);
      }
    });

    it('/v1/hash: dihedrals by default, robust views on request', async () => {
      const m = multipart('a.jpg', await sharp(originals[0]!).jpeg().toBuffer());
      const plain = (
        await ta.app.inject({ method: 'POST', url: '/v1/hash', payload: m.payload, headers: { ...m.headers, ...key } })
      ).json();
      assert.deepEqual(Object.keys(plain.dihedral), [
        'rot90',
        'rot180',
        'rot270',
        'flipx',
        'flipy',
        'flipplus1',
        'flipminus1',
      ]);
      assert.equal(plain.views, undefined);
      const none = (
        await ta.app.inject({
          method: 'POST',
          url: '/v1/hash?dihedral=false',
          payload: m.payload,
          headers: { ...m.headers, ...key },
        })
      ).json();
      assert.equal(none.dihedral, undefined);
      const robust = (
        await ta.app.inject({
          method: 'POST',
          url: '/v1/hash?robust=true',
          payload: m.payload,
          headers: { ...m.headers, ...key },
        })
      ).json();
      const names = robust.views.map((v: { view: string }) => v.view);
      for (const n of ['crop-90', 'uncrop-8', 'uncrop-tl-10', 'derotate-2'])
        assert.ok(names.includes(n), names.join(','));
      assert.match(robust.views.find((v: { view: string }) => v.view === 'uncrop-8').mask, /^[0-9a-f]{64}$/);
    });

    it('the analysis job matches fetched media mirrored or captioned, with transform and view in the evidence', async () => {
      served.set('/mirrored.jpg', await T.mirror!.apply(originals[2]!, 2));
      served.set('/captioned.jpg', await T['caption-top-12']!.apply(originals[0]!, 0));
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          {
            id: 'rb-1',
            type: 'account.created',
            occurred_at: '2026-11-20T10:00:00Z',
            account: { id: 'acc-mirror', username: 'cedar', avatar: { url: `${base}/mirrored.jpg` } },
          },
          {
            id: 'rb-2',
            type: 'account.created',
            occurred_at: '2026-11-20T10:00:00Z',
            account: { id: 'acc-caption', username: 'ember', avatar: { url: `${base}/captioned.jpg` } },
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
        .select(['subject_id', 'kind', 'evidence', 'summary'])
        .where('kind', '=', 'media.match')
        .orderBy('subject_id')
        .execute();
      assert.deepEqual(
        sig.map((s) => s.subject_id),
        ['acc-caption', 'acc-mirror'],
      );
      const cap = JSON.parse(sig[0]!.evidence),
        mir = JSON.parse(sig[1]!.evidence);
      assert.match(cap.view, /^trim/);
      assert.equal(mir.transform, 'flipy');
      assert.match(sig[1]!.summary, /\(flipy\) is \d+ bits from/);
    });
  });
}
