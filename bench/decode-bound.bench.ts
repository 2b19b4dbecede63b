// Bounded decoding under worst-case uploads: N simultaneous POST /v1/hash of a generated
// 64-megapixel PNG (the default pixel limit) to a real `vigil serve` process, while /healthz is
// polled. Reports the server's peak RSS (VmHWM) and healthz latency, then a burst of 2N uploads to
// show the queue answering 503 + retry-after. Run: npm run bench decode-bound
// (BENCH_DECODE_UPLOADS to change N, BENCH_DECODE_BURST=0 to skip the burst; VIGIL_CONFIG to try other `decode` limits).
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { openTestDb, TestClock } from '../packages/server/test/helpers.ts';
import { freePort, startServerProcess, waitExit } from '../packages/server/test/process.ts';
import { createApiKey } from '../packages/server/src/auth/api-keys.ts';

const N = Number(process.env.BENCH_DECODE_UPLOADS ?? 8);
const W = 8000;
const H = 8000;

/** A smooth 64 MP picture: small as a PNG (fits the 20 MB upload limit), full size once decoded. */
async function bigPng(): Promise<Buffer> {
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      px[i] = (x * 255) / W;
      px[i + 1] = (y * 255) / H;
      px[i + 2] = 128 + 100 * Math.sin(x / 700) * Math.cos(y / 450);
    }
  }
  return sharp(px, { raw: { width: W, height: H, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

const kb = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))![1]);
const mb = (k: number) => `${Math.round(k / 1024)} MB`;
/** CPU time (ms) of the whole process and of its main thread (the event loop), from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): { all: number; main: number } {
  const ticks = (path: string) => {
    const f = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime
  };
  return { all: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) };
}
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const png = await bigPng();
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GB; node ${process.version}`,
);
console.log(`upload: ${W}×${H} PNG (${(png.length / 2 ** 20).toFixed(1)} MB), ${N} at once`);

const t = await openTestDb('sqlite');
const key = (
  await createApiKey(
    t.db.kysely,
    { name: 'bench', platform: 'default', scopes: ['read'], createdBy: null, actor: 'bench' },
    new TestClock(),
  )
).key;
const server = await startServerProcess({ ...t.env, VIGIL_WORKERS: '0' }, await freePort());
const pid = server.child.pid!;

// One multipart body, built once, so the client spends no time encoding while it measures.
const boundary = '----vigilbench';
const body = Buffer.concat([
  Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
  ),
  png,
  Buffer.from(`\r\n--${boundary}--\r\n`),
]);

async function upload(): Promise<{ status: number; retryAfter: string | null; ms: number }> {
  const t0 = performance.now();
  const r = await fetch(`${server.url}/v1/hash`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
  await r.arrayBuffer();
  return { status: r.status, retryAfter: r.headers.get('retry-after'), ms: performance.now() - t0 };
}

// /healthz is probed from a worker thread, so the latencies are the server's and not this
// process's own event loop (which is busy sending the uploads).
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
let stop = false;
parentPort.on('message', () => (stop = true));
(async () => {
  const lat = [];
  while (!stop) {
    const t0 = performance.now();
    const r = await fetch(workerData + '/healthz');
    await r.arrayBuffer();
    lat.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  parentPort.postMessage(lat);
})();`;

/** Probes /healthz (one request at a time, 20 ms apart) and samples the server's RSS until `done` settles. */
async function watch<T>(done: Promise<T>): Promise<{ result: T; health: number[]; rssMax: number }> {
  const prober = new Worker(PROBER, { eval: true, workerData: server.url });
  const lat = new Promise<number[]>((r) => prober.once('message', r));
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, kb(pid, 'VmRSS'))), 10);
  const result = await done;
  clearInterval(sampler);
  prober.postMessage('stop');
  const health = (await lat).sort((a, b) => a - b);
  await prober.terminate();
  return { result, health, rssMax };
}

// The machine's noise floor: /healthz with no uploads, for 3 s.
const cpuIdle = cpuMs(pid);
const idle = (await watch(new Promise((r) => setTimeout(r, 3000)))).health;
const idleMainMs = cpuMs(pid).main - cpuIdle.main;
console.log(
  `idle:        healthz p50 ${pct(idle, 50).toFixed(1)} ms, max ${idle.at(-1)!.toFixed(1)} ms over ${idle.length} probes (load average ${loadavg()[0]!.toFixed(1)}); main thread CPU ${idleMainMs} ms`,
);
const before = kb(pid, 'VmRSS');
const cpu0 = cpuMs(pid);
const wave = await watch(Promise.all(Array.from({ length: N }, upload)));
const peak = kb(pid, 'VmHWM');
const cpu1 = cpuMs(pid);
const statuses = (xs: { status: number }[]) =>
  Object.entries(xs.reduce<Record<number, number>>((m, x) => ((m[x.status] = (m[x.status] ?? 0) + 1), m), {}))
    .map(([s, n]) => `${n}×${s}`)
    .join(' ');
const h = wave.health;
console.log(
  `${N} at once:   RSS ${mb(before)} before, peak ${mb(peak)} (VmHWM; sampled max ${mb(wave.rssMax)});  healthz p50 ${pct(h, 50).toFixed(1)} ms, max ${h.at(-1)!.toFixed(1)} ms over ${h.length} probes;  ${statuses(wave.result)} in ${(Math.max(...wave.result.map((r) => r.ms)) / 1000).toFixed(1)} s`,
);
console.log(
  `             server CPU ${((cpu1.all - cpu0.all) / 1000).toFixed(1)} s, of which the main thread (event loop) ${cpu1.main - cpu0.main} ms ; less the probes' share at the idle rate, ${Math.round((cpu1.main - cpu0.main - (idleMainMs * h.length) / idle.length) / N)} ms per upload`,
);

if (process.env.BENCH_DECODE_BURST === '0') {
  server.child.kill('SIGTERM');
  await waitExit(server.child);
  await t.cleanup();
  process.exit(0);
}
const burst = await watch(Promise.all(Array.from({ length: 2 * N }, upload)));
const b = burst.health;
const ra = [...new Set(burst.result.filter((r) => r.status === 503).map((r) => r.retryAfter))].join(',');
console.log(
  `${2 * N} at once: peak ${mb(kb(pid, 'VmHWM'))};  healthz p50 ${pct(b, 50).toFixed(1)} ms, max ${b.at(-1)!.toFixed(1)} ms;  ${statuses(burst.result)}${ra ? ` (retry-after ${ra})` : ''}`,
);

server.child.kill('SIGTERM');
await waitExit(server.child);
await t.cleanup();
