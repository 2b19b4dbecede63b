// A small world for the SDK tests: an in-process relay with fresh keys, a settable clock, clients.
import { VigilClient, MemoryRelay } from '../src/index.ts';

export function world(start = 1_790_000_000_000) {
  const clock = { t: start };
  const now = () => clock.t;
  const { relay, verifying, sourcePublicKey } = MemoryRelay.withFreshKeys(now);
  const clients = new Map<string, VigilClient>();
  async function client(userId: string, keyPackages = 3): Promise<VigilClient> {
    const c = new VigilClient(userId, relay, { relaySourcePublicKey: sourcePublicKey, now });
    await c.publishKeyPackages(keyPackages);
    clients.set(userId, c);
    return c;
  }
  /** Everyone syncs until nothing more arrives (commits can trigger follow-up sends). */
  async function syncAll() {
    for (let round = 0; round < 5; round++) for (const c of clients.values()) await c.sync();
  }
  return { clock, now, relay, verifying, sourcePublicKey, client, syncAll };
}
