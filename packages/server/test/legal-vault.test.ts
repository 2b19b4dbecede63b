// The preservation vault: reported content sealed when a decision drafts a report, read only by legal
// with a purpose (audited), used for filing when the original is gone, rotated keys, retention with
// legal holds, destruction on request, and sealed exports whose manifest can be checked.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { unzipSync } from 'fflate';
import { findXsd } from '@vigil/ncmec';
import { startFakeCyberTipline, type FakeCyberTipline } from '@vigil/ncmec/fake';
import { DIALECTS, testApp, staffSession, silentLog, type TestApp, type StaffSession } from './helpers.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { ensureDefaultRules } from '../src/detect/rules-store.ts';
import { addEntries, createBank } from '../src/media/banks.ts';
import { loadConfig } from '../src/config.ts';
import { destroyExpired } from '../src/legal/vault.ts';

const LISTED = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`preservation vault (${dialect})`, () => {
    let ta: TestApp;
    let fake: FakeCyberTipline;
    let media: Server;
    let png: Buffer;
    let legal: StaffSession;
    let reviewer: StaffSession;
    let reportId = 0;
    const post = (s: StaffSession, url: string, payload: object = {}) =>
      ta.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload });
    const get = (s: StaffSession, url: string) => ta.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
    const work = async () => {
      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'w',
      });
      while ((await w.runOnce()) > 0);
    };
    const items = async () =>
      (await get(legal, '/v1/legal/vault?subject_id=acc-v')).json().items as {
        id: number;
        kind: string;
        label: string;
        key_id: string;
        destroyed_at: string | null;
        sha256: string;
      }[];

    before(async () => {
      png = await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 10, g: 200, b: 90 } } })
        .png()
        .toBuffer();
      media = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
      await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
      fake = await startFakeCyberTipline({ username: 'esp', password: 'pw', xsdPath: findXsd() });
      const d = loadConfig({ env: {} });
      ta = await testApp(dialect, {
        media: { ...d.media, allowPrivateFetch: true, hashRemote: false },
        ncmec: { ...d.ncmec, baseUrl: fake.url, username: 'esp', password: 'pw', timeoutMs: 5000 },
      });
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      reviewer = await staffSession(ta, 'reviewer');
      legal = await staffSession(ta, 'legal');
      await createBank(ta.ctx.db.kysely, { name: 'KNOWN_TEST', kind: 'block' }, 'test', ta.clock);
      await addEntries(ta.ctx.db.kysely, 'KNOWN_TEST', [{ signal_type: 'pdq', value: LISTED }], 'test', ta.clock);
      const now = ta.clock.now().toISOString();
      await ingestEvents(
        ta.ctx.db.kysely,
        'default',
        validateEvents([
          { id: 'a1', type: 'account.created', occurred_at: now, account: { id: 'acc-v', username: 'vault_case' } },
          {
            id: 'm1',
            type: 'media.shared',
            occurred_at: now,
            account_id: 'acc-v',
            surface: 'channel',
            media: { id: 'med-v', pdq: LISTED, url: `${base}/IMG_0009.png` },
          },
          {
            id: 'r1',
            type: 'report.filed',
            occurred_at: now,
            report: {
              id: 'rep-1',
              reporter_id: 'u-2',
              subject: { type: 'account', id: 'acc-v' },
              reason: 'child_safety',
              evidence: { messages: [{ id: 'msg-1', sender_id: 'acc-v', sent_at: now, text: 'a reported message' }] },
            },
          },
        ] as unknown[]),
        ta.clock,
      );
      await work();
      const task = (await get(reviewer, '/v1/tasks?queue=known-media'))
        .json()
        .tasks.find((t: { subject_id: string }) => t.subject_id === 'acc-v');
      await post(reviewer, `/v1/tasks/${task.id}/claim`);
      assert.equal(
        (
          await post(reviewer, `/v1/tasks/${task.id}/decision`, {
            decision: 'apparent_csam',
            reason: 'matches known material',
          })
        ).statusCode,
        200,
      );
      await work(); // legal's subscriber drafts the report (review/effects.ts), then vault.preserve seals its files
      reportId = (await get(legal, '/v1/legal/reports')).json().reports[0].id;
    });
    after(async () => {
      await ta.close();
      await fake.close();
      media.close();
    });

    it('seals the reported media, messages and draft; legal reads them with a purpose, audited; reviewers cannot', async () => {
      const list = await items();
      assert.deepEqual(list.map((i) => i.kind).sort(), ['media', 'messages', 'metadata']);
      const m = list.find((i) => i.kind === 'media')!;
      assert.equal(m.sha256, createHash('sha256').update(png).digest('hex'));
      const stored = await ta.ctx.db.kysely
        .selectFrom('vault_items')
        .select('ciphertext')
        .where('id', '=', m.id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(stored.ciphertext!, 'base64').includes(png.subarray(0, 16)), 'stored encrypted');
      const c = await get(
        legal,
        `/v1/legal/vault/${m.id}/content?purpose=${encodeURIComponent('preparing the CyberTipline report')}`,
      );
      assert.equal(c.statusCode, 200);
      assert.ok(c.rawPayload.equals(png));
      assert.equal((await get(legal, `/v1/legal/vault/${m.id}/content`)).statusCode, 400, 'a purpose is required');
      assert.equal((await get(reviewer, '/v1/legal/vault')).statusCode, 403);
      assert.equal((await get(reviewer, `/v1/legal/vault/${m.id}/content?purpose=curious`)).statusCode, 403);
      const access = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select(['action', 'reason'])
        .where('action', '=', 'vault.access')
        .execute();
      assert.deepEqual(access, [{ action: 'vault.access', reason: 'preparing the CyberTipline report' }]);
    });

    it('files from the preserved copy when the original is gone', async () => {
      media.closeAllConnections();
      await new Promise<void>((r) => media.close(() => r()));
      const { draft_sha256 } = (await get(legal, `/v1/legal/reports/${reportId}`)).json();
      assert.equal((await post(legal, `/v1/legal/reports/${reportId}/send`, { draft_sha256 })).statusCode, 202);
      await work();
      assert.equal((await get(legal, `/v1/legal/reports/${reportId}`)).json().status, 'filed');
      assert.ok(
        fake.reports[0]!.files[0]!.md5 === createHash('md5').update(png).digest('hex'),
        'NCMEC received the preserved bytes',
      );
    });

    it('rotates keys: old items stay readable, rewrap moves them to the new key', async () => {
      const stored = JSON.parse(readFileSync(join(ta.ctx.cfg.dataDir, 'vault-keys.json'), 'utf8'));
      ta.ctx.cfg.vault = {
        ...ta.ctx.cfg.vault,
        keys: { ...stored.keys, k2: randomBytes(32).toString('base64') },
        activeKey: 'k2',
      };
      const m = (await items()).find((i) => i.kind === 'media')!;
      assert.equal(m.key_id, 'local-1');
      assert.equal((await get(legal, `/v1/legal/vault/${m.id}/content?purpose=rotation%20check`)).statusCode, 200);
      const admin = await staffSession(ta, 'admin');
      assert.equal((await post(admin, '/v1/legal/vault/rewrap')).json().rewrapped, 3);
      ta.ctx.cfg.vault = { ...ta.ctx.cfg.vault, keys: { k2: ta.ctx.cfg.vault.keys.k2! } };
      assert.ok((await items()).every((i) => i.key_id === 'k2'));
      const again = await get(legal, `/v1/legal/vault/${m.id}/content?purpose=after%20rotation`);
      assert.ok(again.rawPayload.equals(png), 'readable with the new key alone');
    });

    it('exports a sealed package whose manifest hashes and HMAC check out', async () => {
      const ids = (await items()).map((i) => i.id);
      const r = await post(legal, '/v1/legal/vault/export', {
        item_ids: ids,
        purpose: 'law-enforcement request 2026-LE-7',
      });
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-type'], 'application/zip');
      const files = unzipSync(new Uint8Array(r.rawPayload));
      const manifestBytes = files['manifest.json']!;
      const manifest = JSON.parse(Buffer.from(manifestBytes).toString());
      assert.equal(manifest.items.length, 3);
      for (const it of manifest.items)
        assert.equal(createHash('sha256').update(files[it.file]!).digest('hex'), it.sha256, it.file);
      const [keyId, mac] = Buffer.from(files['manifest.hmac']!).toString().trim().split(':');
      const exportKey = createHmac('sha256', Buffer.from(ta.ctx.cfg.vault.keys[keyId!]!, 'base64'))
        .update('vigil-vault-export-v1')
        .digest();
      assert.equal(createHmac('sha256', exportKey).update(manifestBytes).digest('hex'), mac);
    });

    it('keeps items for a year, longer under a legal hold, then destroys them; destruction on request', async () => {
      const list = await items();
      const msg = list.find((i) => i.kind === 'messages')!;
      const d = await post(legal, `/v1/legal/vault/${msg.id}/destroy`, {
        reason: 'law-enforcement request: destroy after production',
      });
      assert.equal(d.statusCode, 200);
      assert.equal((await post(legal, `/v1/legal/vault/${msg.id}/destroy`, { reason: 'again' })).statusCode, 409);
      assert.equal((await get(legal, `/v1/legal/vault/${msg.id}/content?purpose=check`)).statusCode, 410);
      ta.clock.advance(200 * DAY);
      assert.equal(await destroyExpired(ta.ctx.db.kysely, ta.clock), 0, 'within the year');
      // A longer legal hold on the subject (e.g. a preservation request) extends retention.
      const now = ta.clock.now();
      await ta.ctx.db.kysely
        .insertInto('legal_holds')
        .values({
          platform: 'default',
          subject_type: 'account',
          subject_id: 'acc-v',
          reason: 'preservation request 2703(f)',
          task_id: null,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 300 * DAY).toISOString(),
        })
        .execute();
      ta.clock.advance(170 * DAY);
      assert.equal(await destroyExpired(ta.ctx.db.kysely, ta.clock), 0, 'held');
      // (a year on, staff sessions have expired: read the table directly)
      const live = () =>
        ta.ctx.db.kysely
          .selectFrom('vault_items')
          .select(['id', 'destroyed_at'])
          .where('subject_id', '=', 'acc-v')
          .execute();
      assert.equal((await live()).filter((i) => !i.destroyed_at).length, 2);
      ta.clock.advance(140 * DAY);
      assert.equal(await destroyExpired(ta.ctx.db.kysely, ta.clock), 2);
      assert.ok((await live()).every((i) => i.destroyed_at));
      const audit = await ta.ctx.db.kysely
        .selectFrom('audit_log')
        .select(['actor', 'reason'])
        .where('action', '=', 'vault.destroy')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        audit.map((a) => (a.actor.startsWith('staff:') ? 'staff' : a.actor)),
        ['staff', 'system', 'system'],
      );
      assert.equal(audit[1]!.reason, 'retention period ended');
    });
  });
}
