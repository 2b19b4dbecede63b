// Runs `vigil serve` as a real child process, for crash and end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const CLI_MAIN = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// Servers a test file started are killed when it ends, even if an assertion failed before it stopped them
// (a live child would keep the test process waiting forever).
const children = new Set<ChildProcess>();
if (process.env.NODE_TEST_CONTEXT) {
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
} else {
  process.on('exit', () => children.forEach((c) => c.kill('SIGKILL'))); // benchmarks
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
}

/** Spawns a `vigil` command and waits until `url`/readyz answers (30 s), or fails with what it printed. */
async function startVigilProcess(
  what: string,
  cliArgs: string[],
  env: Record<string, string | undefined>,
  url: string,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, ...cliArgs], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited early (${child.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url, output: () => out };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not become ready:\n${out}`);
}

export function startServerProcess(
  env: Record<string, string | undefined>,
  port: number,
  args: string[] = [],
): Promise<ServerProcess> {
  return startVigilProcess('server', ['serve', '--port', String(port), ...args], env, `http://127.0.0.1:${port}`);
}

/** Runs `vigil worker` as a real child process; ready once its metrics port answers /readyz. */
export function startWorkerProcess(
  env: Record<string, string | undefined>,
  metricsPort: number,
  args: string[] = [],
): Promise<ServerProcess> {
  return startVigilProcess(
    'worker',
    ['worker', '--metrics-port', String(metricsPort), ...args],
    env,
    `http://127.0.0.1:${metricsPort}`,
  );
}

export function waitExit(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));
}
