// The relay alone: how many franked sends per second `vigil relay` accepts (stamped, tagged per recipient,
// queued in SQLite), with the client crypto done before the timed loop. The relay runs as its own process
// (`vigil relay`, one core), the load comes from this one over HTTP keep-alive. Afterwards the recipients
// fetch and decrypt every timed message, so the figure counts only sends that really worked.
// Run: npm run bench relay-alone [-- --messages N --concurrency C]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HttpRelayTransport, VigilClient, type RelayTransport } from '../packages/sdk/src/index.ts';
import { newRelayKeysConfig } from '../packages/relay/src/index.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '32' },
    group: { type: 'string', default: '20' },
  },
});
const N = Number(args.messages);
const C = Number(args.concurrency);
const G = Number(args.group);
const root = new URL('..', import.meta.url).pathname;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'vigil-relay-alone-'));
// The relay alone (`vigil relay`, its own process and database). Its safety service is away on purpose: the
// registrations' events wait in its outbox, and nothing else in the send path talks to it.
writeFileSync(join(dir, 'keys.json'), JSON.stringify(newRelayKeysConfig()));
// One client machine registers every user and sends as fast as it can: the abuse limits would (rightly) stop it.
writeFileSync(
  join(dir, 'relay.json'),
  JSON.stringify({
    limits: {
      registrationsPerAddressPerHour: 0,
      sendsPerAccountPerMinute: 0,
      keyPackageFetchesPerAccountPerMinute: 0,
      keyPackageFetchesPerTargetPerHour: 0,
    },
  }),
);
const server = spawn(
  process.execPath,
  [
    ...(process.env.RELAY_BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.RELAY_BENCH_PROF] : []),
    '--import',
    'tsx',
    join(root, 'packages/cli/src/main.ts'),
    'relay',
    '--port',
    String(port),
    '--database',
    join(dir, 'relay.db'),
    '--keys',
    join(dir, 'keys.json'),
    '--safety-url',
    'http://127.0.0.1:9',
    '--log-level',
    'fatal',
    '--config',
    join(dir, 'relay.json'),
  ],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, VIGIL_RELAY_API_KEY: 'vk_0_bench', VIGIL_RELAY_WEBHOOK_SECRET: 'whsec_bench' },
  },
);
const base = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    if (i > 600) throw new Error('the server did not start');
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const info = await (await fetch(`${base}/relay/v1/info`)).json();
  const pub = new Uint8Array(Buffer.from(Object.values(info.source_keys as Record<string, string>)[0]!, 'base64'));

  // A transport that, when capturing, keeps application messages instead of posting them: the timed loop
  // replays exactly what the client would have sent.
  type Captured = { id: string; conversation_id: string; kind: string; to: string[]; data: string };
  const user = async (name: string) => {
    const t = new HttpRelayTransport(base);
    await t.register(name, `${name} password 123`);
    const captured: Captured[] = [];
    let capture = false;
    const wrapped = Object.create(t) as RelayTransport;
    wrapped.send = async (e) => {
      if (capture && e.kind === 'application')
        captured.push({
          id: e.id,
          conversation_id: e.conversationId,
          kind: e.kind,
          to: e.to,
          data: Buffer.from(e.data).toString('base64'),
        });
      else await t.send(e);
    };
    const c = new VigilClient(t.userId, wrapped, { relaySourcePublicKey: pub });
    await c.publishKeyPackages(2);
    return { t, c, captured, setCapture: (on: boolean) => (capture = on) };
  };
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString().slice(0, 10)}; vigil relay on SQLite in its own process; ${C} sends in flight`,
  );

  // C pairs of users in 1:1 chats, and one group of G members: every member sends. Each sender posts its own
  // messages one after another (as the SDK does: MLS generations arrive in order), all senders at once.
  const pairs = [];
  for (let i = 0; i < C; i++) {
    const a = await user(`alone_a${i}`),
      b = await user(`alone_b${i}`);
    const chat = await a.c.createConversation([b.t.userId]);
    await b.c.sync();
    pairs.push({ a, b, chat });
  }
  const members = [];
  for (let i = 0; i < G; i++) members.push(await user(`alone_m${i}`));
  const group = await members[0]!.c.createConversation(members.slice(1).map((m) => m.t.userId));
  for (const m of members.slice(1)) await m.c.sync();

  // The load generator shares the machine with the relay: plain keep-alive HTTP/1.1 requests cost it a fraction of
  // what fetch() does, so the figure is the relay's, not the client's (a profile of the relay showed it mostly idle
  // behind fetch()).
  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  const post = (path: string, token: string, body: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${base}${path}`,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (data += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  async function run(
    senders: { s: Awaited<ReturnType<typeof user>>; conversation: string }[],
    recipients: number,
    perSender: number,
  ) {
    for (const { s, conversation } of senders) {
      s.setCapture(true);
      s.captured.length = 0;
      for (let i = 0; i < perSender; i++) await s.c.send(conversation, `message ${i}`);
      s.setCapture(false);
    }
    const lat: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      senders.map(async ({ s }) => {
        for (const e of s.captured) {
          const t = performance.now();
          const res = await post(`/relay/v1/messages`, s.t.deviceToken, JSON.stringify(e));
          if (res.status !== 202) throw new Error(`send refused: ${res.status} ${res.body}`);
          lat.push(performance.now() - t);
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const count = senders.length * perSender;
    return {
      count,
      sendsPerS: count / secs,
      deliveriesPerS: (count * recipients) / secs,
      p50: pct(lat, 0.5),
      p99: pct(lat, 0.99),
    };
  }
  const receiveAll = async (c: VigilClient, want: number) => {
    let got = 0;
    for (let i = 0; i < 100 && got < want; i++)
      got += (await c.sync()).filter((m) => m.body.startsWith('message ')).length;
    return got;
  };

  const perPair = Math.max(1, Math.floor(N / C));
  const one = await run(
    pairs.map((p) => ({ s: p.a, conversation: p.chat })),
    1,
    perPair,
  );
  let got = 0;
  for (const p of pairs) got += await receiveAll(p.b.c, perPair);
  console.log(
    `1:1 (${C} senders): ${one.sendsPerS.toFixed(0)} sends/s accepted (p50 ${one.p50.toFixed(1)} ms, p99 ${one.p99.toFixed(1)} ms per send); recipients decrypted and verified ${got}/${one.count}`,
  );

  const perMember = Math.max(1, Math.floor(N / 4 / G));
  const grp = await run(
    members.map((m) => ({ s: m, conversation: group })),
    G - 1,
    perMember,
  );
  const gotG = await receiveAll(members[1]!.c, grp.count - perMember);
  console.log(
    `group of ${G} (every member sends): ${grp.sendsPerS.toFixed(0)} sends/s, ${grp.deliveriesPerS.toFixed(0)} deliveries/s queued (p50 ${grp.p50.toFixed(1)} ms, p99 ${grp.p99.toFixed(1)} ms); one member decrypted and verified ${gotG}/${grp.count - perMember}`,
  );
  if (got !== one.count || gotG !== grp.count - perMember)
    throw new Error(
      `some timed sends were not delivered intact: ${JSON.stringify([...pairs.flatMap((p) => p.b.c.dropped), ...members[1]!.c.dropped].slice(0, 3))}`,
    );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
