// End to end: events → apply → analysers → rules → verdicts, through a real `vigil serve` process.
// Throughput (events/s until every analysis job is done) and latency per event (accepted → analysed),
// on SQLite and PostgreSQL. Run: npm run bench pipeline   (BENCH_PIPELINE_EVENTS to change the size)
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { openTestDb, TestClock } from '../packages/server/test/helpers.ts';
import { freePort, startServerProcess, waitExit } from '../packages/server/test/process.ts';
import { createApiKey } from '../packages/server/src/auth/api-keys.ts';

const TOTAL = Number(process.env.BENCH_PIPELINE_EVENTS ?? 5000);
const BATCH = 100;
const WORKERS = process.env.VIGIL_WORKERS ?? '1';
const names = ['Valencia Bakers', 'Lyon Cyclists', 'family group', 'CP Rail fans', 'c.p trade 🔞 links', 'Road Map Club', 't a b o o vids swap', 'book club'];

function event(i: number) {
  const at = new Date(Date.parse('2026-11-20T10:00:00Z') + i * 1000).toISOString();
  if (i % 4 === 0) return { id: `p-${i}`, type: 'group.created', occurred_at: at, group: { id: `g-${i}`, name: names[i % names.length], invite_link: `https://chat.example/j/${i}` } };
  if (i % 4 === 1) return { id: `p-${i}`, type: 'group.member_joined', occurred_at: at, group_id: `g-${i - 1}`, account_id: `u-${i}`, invite_link: `https://chat.example/j/${i - 1}` };
  return { id: `p-${i}`, type: 'account.created', occurred_at: at, account: { id: `u-${i}`, username: i % 50 === 2 ? 'cp_links_dm' : `user_${i}`, display_name: `User ${i}`, bio: 'Cycling and bread.' } };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${TOTAL} events (groups, joins, accounts) in batches of ${BATCH}, ${WORKERS} worker(s)`);
for (const dialect of ['sqlite', 'postgres'] as const) {
  const t = await openTestDb(dialect);
  const key = (await createApiKey(t.db.kysely, { name: 'bench', platform: 'default', scopes: ['ingest'], createdBy: null, actor: 'bench' }, new TestClock())).key;
  const server = await startServerProcess({ ...t.env, VIGIL_WORKERS: WORKERS }, await freePort());
  const t0 = performance.now();
  for (let b = 0; b < TOTAL / BATCH; b++) {
    const r = await fetch(`${server.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: Array.from({ length: BATCH }, (_, k) => event(b * BATCH + k)) }) });
    if (r.status !== 200) throw new Error(await r.text());
  }
  for (;;) {
    const left = Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM jobs WHERE kind IN ('event.apply', 'event.analyze') AND status <> 'done'`.execute(t.db.kysely)).rows[0]!.n);
    const analysed = Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM jobs WHERE kind = 'event.analyze' AND status = 'done'`.execute(t.db.kysely)).rows[0]!.n);
    if (!left && analysed === TOTAL) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const secs = (performance.now() - t0) / 1000;
  // Latency: accepted (events.received_at) → its analysis job finished.
  const jobs = await t.db.kysely.selectFrom('jobs').select(['payload', 'finished_at']).where('kind', '=', 'event.analyze').execute();
  const received = new Map((await t.db.kysely.selectFrom('events').select(['id', 'received_at']).execute()).map((e) => [Number(e.id), Date.parse(e.received_at)]));
  const lat = jobs.map((j) => Date.parse(j.finished_at!) - received.get(JSON.parse(j.payload).eventId)!).sort((a, b) => a - b);
  const verdicts = Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM verdicts`.execute(t.db.kysely)).rows[0]!.n);
  server.child.kill('SIGTERM');
  await waitExit(server.child);
  await t.cleanup();
  console.log(`${dialect.padEnd(8)}  ${Math.round(TOTAL / secs).toLocaleString('en')} events/s end to end (${secs.toFixed(1)} s, ${verdicts} verdicts)   latency p50 ${pct(lat, 50)} ms  p99 ${pct(lat, 99)} ms  max ${lat.at(-1)} ms`);
}
