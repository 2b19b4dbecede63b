// The reference messenger: franked messages/s through a real relay (HTTP + SQLite queues), 1:1 and
// group fan-out, per-message latency; the cost of adding a member to a group of 1,000; report
// verification per second. Run: npm run bench relay
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { WebSocket } from 'ws';
import { createCommit, createGroup, zeroOutUint8Array } from 'ts-mls';
import { HttpRelayTransport, VigilClient, MemoryRelay, verifyReport } from '../packages/sdk/src/index.ts';
import { cipherSuite, newIdentity, newKeyPackage } from '../packages/sdk/src/mls.ts';
import { newRelaySourceKeys, randomBytes } from '../packages/crypto/src/index.ts';
import { loadConfig, startService } from '../packages/server/src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-relay-bench-'));
const cfg = loadConfig({ env: {}, flags: { dataDir: dir, port: '0' } });
// The benchmark is one client machine registering a thousand users and sending as fast as it can.
cfg.relay.limits = {
  ...cfg.relay.limits,
  registrationsPerAddressPerHour: 0,
  sendsPerAccountPerMinute: 0,
  keyPackageFetchesPerAccountPerMinute: 0,
};
cfg.exchanges.enabled = false;
const svc = await startService(cfg, { log: pino({ level: 'silent' }) });
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
try {
  const info = await (await fetch(`${svc.url}/relay/v1/info`)).json();
  const pub = new Uint8Array(Buffer.from(Object.values(info.source_keys as Record<string, string>)[0]!, 'base64'));
  const user = async (name: string) => {
    const t = new HttpRelayTransport(svc.url, { WebSocket: WebSocket as never });
    await t.register(name, `${name} password 123`);
    const c = new VigilClient(t.userId, t, { relaySourcePublicKey: pub });
    await c.publishKeyPackages(2);
    return { t, c };
  };
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString().slice(0, 10)}; relay on SQLite, same process`,
  );

  // 1:1: sender encrypts, franks and posts; the relay stamps and queues; the receiver fetches, decrypts, verifies and acks.
  const a = await user('bench_a'),
    b = await user('bench_b');
  const chat = await a.c.createConversation([b.t.userId]);
  await b.c.sync();
  const N = 400;
  const lat: number[] = [];
  let t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await a.c.send(chat, `message ${i}`);
    lat.push(performance.now() - s);
  }
  const sendRate = N / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  let got = 0;
  while (got < N) got += (await b.c.sync()).length;
  const recvRate = N / ((performance.now() - t0) / 1000);
  console.log(
    `1:1: send ${sendRate.toFixed(0)} msg/s (p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms per send), receive+verify ${recvRate.toFixed(0)} msg/s`,
  );

  // WebSocket push: time from calling send until the receiver's listen() callback has the decrypted message.
  {
    const pushLat: number[] = [];
    let resolveOne: (() => void) | null = null;
    const sub = b.c.listen(() => resolveOne?.());
    await sub.ready;
    const M = 200;
    t0 = performance.now();
    for (let i = 0; i < M; i++) {
      const arrived = new Promise<void>((r) => (resolveOne = r));
      const s = performance.now();
      await a.c.send(chat, `pushed ${i}`);
      await arrived;
      pushLat.push(performance.now() - s);
    }
    const pushRate = M / ((performance.now() - t0) / 1000);
    await sub.close();
    console.log(
      `1:1 over WebSocket push, one at a time: ${pushRate.toFixed(0)} msg/s; send → delivered and decrypted p50 ${pct(pushLat, 0.5).toFixed(1)} ms, p99 ${pct(pushLat, 0.99).toFixed(1)} ms`,
    );
  }

  // Group fan-out: one sender, 20 members.
  const members = [];
  for (let i = 0; i < 20; i++) members.push(await user(`bench_m${i}`));
  const g = await a.c.createConversation(members.map((m) => m.t.userId));
  for (const m of members) await m.c.sync();
  const G = 100;
  t0 = performance.now();
  for (let i = 0; i < G; i++) await a.c.send(g, `group message ${i}`);
  const gRate = G / ((performance.now() - t0) / 1000);
  console.log(`group of 21: send ${gRate.toFixed(0)} msg/s = ${(gRate * 20).toFixed(0)} deliveries/s queued`);

  // Adding a member to a group of 1,000 (MLS only, in process).
  const cs = await cipherSuite();
  const owner = await newKeyPackage(await newIdentity('owner'));
  let state = await createGroup(new TextEncoder().encode('big'), owner.publicPackage, owner.privatePackage, [], cs);
  const kps = [];
  t0 = performance.now();
  for (let i = 0; i < 999; i++) kps.push((await newKeyPackage(await newIdentity(`m${i}`))).publicPackage);
  const kpTime = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const big = await createCommit(
    { state, cipherSuite: cs },
    { extraProposals: kps.map((keyPackage) => ({ proposalType: 'add' as const, add: { keyPackage } })) },
  );
  big.consumed.forEach(zeroOutUint8Array);
  state = big.newState;
  const buildTime = (performance.now() - t0) / 1000;
  const one = (await newKeyPackage(await newIdentity('late'))).publicPackage;
  t0 = performance.now();
  const add = await createCommit(
    { state, cipherSuite: cs },
    { extraProposals: [{ proposalType: 'add', add: { keyPackage: one } }] },
  );
  const addMs = performance.now() - t0;
  void add;
  console.log(
    `group of 1,000: 999 key packages ${kpTime.toFixed(1)} s, one commit adding them ${buildTime.toFixed(1)} s; adding member 1,001: ${addMs.toFixed(0)} ms (commit + Welcome)`,
  );

  // Report verification: a report of one message with five context messages.
  const source = newRelaySourceKeys('s');
  const franking = { keyId: 'f', key: randomBytes(32) };
  const mem = new MemoryRelay({ franking, source });
  const x = new VigilClient('x', mem, { relaySourcePublicKey: source.signPublic }),
    y = new VigilClient('y', mem, { relaySourcePublicKey: source.signPublic });
  await y.publishKeyPackages(1);
  const c2 = await x.createConversation(['y']);
  await y.sync();
  for (let i = 0; i < 6; i++) await x.send(c2, `m${i}`);
  const msgs = await y.sync();
  const evidence = y.buildReport(c2, [msgs.at(-1)!.id]);
  const keys = {
    franking: new Map([['f', franking.key]]),
    activeFranking: 'f',
    source: new Map([['s', { encKey: source.encKey, signPublic: source.signPublic }]]),
    activeSource: 's',
  };
  const R = 500;
  t0 = performance.now();
  for (let i = 0; i < R; i++)
    if (verifyReport(evidence, keys).status !== 'verified') throw new Error('verification failed');
  console.log(
    `report verification (6 messages, 1 source record): ${(R / ((performance.now() - t0) / 1000)).toFixed(0)} reports/s`,
  );
} finally {
  await svc.stop();
  rmSync(dir, { recursive: true, force: true });
}
