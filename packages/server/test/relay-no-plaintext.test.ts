// No plaintext server-side: messages and attachments carrying canary strings go through the real
// relay (1:1 and a group), one message is reported; then every row of every table, every file in
// the data directory (the SQLite file and its WAL included) and every log line at trace level are
// scanned for the canaries, as text, base64, base64url and hex. Only the reported one may appear.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { sql, type Kysely } from 'kysely';
import { DIALECTS, testApp, type TestApp } from './helpers.ts';
import { messenger, runJobs, type Messenger } from './relay-helpers.ts';

/** The ways a canary could sit in storage: as text, or inside base64/base64url/hex of bytes around it. */
function encodings(canary: string): string[] {
  const bytes = Buffer.from(canary);
  const out = [canary, bytes.toString('hex')];
  // Base64 of a string depends on its offset modulo 3: for each offset, the whole 3-byte groups.
  for (let k = 0; k < 3; k++) {
    const sub = bytes.subarray(k, k + Math.floor((bytes.length - k) / 3) * 3);
    const b64 = sub.toString('base64');
    out.push(b64, b64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

for (const dialect of DIALECTS) {
  describe(`no plaintext on the server (${dialect})`, () => {
    let ta: TestApp;
    let net: Messenger;
    const logs: string[] = [];

    before(async () => {
      const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
      ta = await testApp(dialect, {}, [], { log: pino({ level: 'trace' }, sink) });
      net = await messenger(ta, { log: ta.ctx.log });
    });
    after(async () => ta.close());

    it('finds only the reported canary, anywhere', { timeout: 300_000 }, async () => {
      const canary = {
        reported: 'canary-reported-7f3a9c',
        text: 'canary-unreported-text-51be02',
        attachment: 'canary-attachment-bytes-c4d81e',
        group: 'canary-group-message-9e27aa',
        forwarded: 'canary-forwarded-0b6d4f',
      };
      const [alice, bob, carol] = [await net.user('alice_np'), await net.user('bob_np'), await net.user('carol_np')];
      const chat = await alice.c.createConversation([bob.t.userId]);
      await bob.c.sync();
      await alice.c.send(chat, `please look: ${canary.reported}`);
      const [m] = await bob.c.sync();
      const report = bob.c.buildReport(chat, [m!.id]);
      await bob.t.report({ type: 'account', id: alice.t.userId }, report);

      await alice.c.send(chat, `not reported: ${canary.text}`, [
        { bytes: new TextEncoder().encode(`file body ${canary.attachment} end`), mime: 'text/plain' },
      ]);
      const got = await bob.c.sync();
      const group = await alice.c.createConversation([bob.t.userId, carol.t.userId]);
      await bob.c.sync();
      await carol.c.sync();
      await alice.c.send(group, `to the group: ${canary.group}`);
      got.push(...(await bob.c.sync()));
      assert.equal(got.length, 2);
      assert.deepEqual(
        await bob.c.openAttachment(got.find((x) => x.attachments.length)!),
        new TextEncoder().encode(`file body ${canary.attachment} end`),
      );
      await carol.c.sync();
      await alice.c.send(group, canary.forwarded);
      const fw = (await bob.c.sync())[0]!;
      await bob.c.forward(fw, [chat]);
      await alice.c.sync();
      await carol.c.sync();
      await runJobs(ta);
      const verified = await ta.ctx.db.kysely
        .selectFrom('user_reports')
        .select('verification')
        .executeTakeFirstOrThrow();
      assert.equal(verified.verification, 'verified');

      // Every row of every table: the safety service's and the relay's (a database of its own, or its tables in the same schema).
      const tablesOf = async (db: Kysely<any>) =>
        dialect === 'sqlite'
          ? (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db)).rows.map(
              (r) => r.name,
            )
          : (
              await sql<{
                name: string;
              }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${ta.t.pgSchema}`.execute(
                db,
              )
            ).rows.map((r) => r.name);
      const dbs: [Kysely<any>, string[]][] = [[ta.ctx.db.kysely, await tablesOf(ta.ctx.db.kysely)]];
      if (dialect === 'sqlite') dbs.push([net.relay.ctx.db, await tablesOf(net.relay.ctx.db)]);
      const tables = dbs.flatMap(([, t]) => t);
      assert.ok(tables.includes('messenger_queue') && tables.includes('messenger_blobs') && tables.includes('events'));
      const dump: string[] = [];
      for (const [db, ts] of dbs)
        for (const t of ts)
          for (const row of (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(t)}`.execute(db)).rows)
            dump.push(
              `${t}: ${JSON.stringify(row, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'bigint' ? String(v) : v))}`,
            );
      // Base64 columns decoded too (queues and blobs hold base64 of ciphertext: it must not be plaintext either).
      const decoded = dump.flatMap((line) =>
        (line.match(/[A-Za-z0-9+/]{24,}={0,2}/g) ?? []).map((b) => Buffer.from(b, 'base64').toString('latin1')),
      );
      const files = filesUnder(ta.t.dataDir).map((f) => readFileSync(f).toString('latin1'));
      const haystacks = { database: [...dump, ...decoded].join('\n'), files: files.join('\n'), logs: logs.join('') };
      assert.ok(logs.length > 50, 'the logs were captured');
      const where = (c: string) =>
        Object.entries(haystacks)
          .filter(([, h]) => encodings(c).some((e) => h.includes(e)))
          .map(([k]) => k);

      assert.ok(
        where(canary.reported).includes('database'),
        'the reported message is with the report (and proves the scan finds things)',
      );
      for (const [name, c] of Object.entries(canary))
        if (name !== 'reported') assert.deepEqual(where(c), [], `${name} canary found in ${where(c).join(', ')}`);
      // The scanner sees through encodings: the attachment canary inside base64 of its bytes is found.
      assert.ok(
        encodings(canary.attachment).some((e) =>
          Buffer.from(`xx file body ${canary.attachment} end`).toString('base64').includes(e),
        ),
      );
    });
  });
}
