// Which accounts have a socket open in this process, and waking them: the send route notifies at once, and a poll
// of the queue catches what another process inserted. Kept apart from socket.ts so the relay's context can hold
// a hub without importing the WebSocket server that reads the context.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { RelayDatabase } from './schema.ts';

type Wake = () => void;

/** Wakes the sockets of accounts that have new messages. */
export class RelayHub {
  private subs = new Map<string, Set<Wake>>();
  private ends = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly db: Kysely<RelayDatabase>,
    private readonly pollMs: number,
    private readonly now: () => Date,
    private readonly log: Logger,
  ) {}

  /** Ends the open sessions of accounts the safety service just banned or suspended (close code 4401). */
  endSessions(accountIds: Iterable<string>) {
    for (const a of new Set(accountIds)) for (const end of this.ends.get(a) ?? []) end();
  }

  onEnd(accountId: string, end: () => void): () => void {
    const set = this.ends.get(accountId) ?? new Set();
    set.add(end);
    this.ends.set(accountId, set);
    return () => {
      set.delete(end);
      if (!set.size) this.ends.delete(accountId);
    };
  }

  /** Called by the send route after its insert commits: same-process sockets wake at once. */
  notify(recipients: Iterable<string>) {
    for (const r of new Set(recipients)) for (const wake of this.subs.get(r) ?? []) wake();
  }

  subscribe(accountId: string, wake: Wake): () => void {
    const set = this.subs.get(accountId) ?? new Set();
    set.add(wake);
    this.subs.set(accountId, set);
    // Messages queued by another server process reach this one only through the database.
    this.timer ??= setInterval(() => void this.poll(), this.pollMs).unref();
    return () => {
      set.delete(wake);
      if (!set.size) this.subs.delete(accountId);
      if (!this.subs.size) this.stop();
    };
  }

  private async poll() {
    if (this.polling) return;
    this.polling = true;
    try {
      // Recent rows by time, not by id: ids of concurrent inserts may commit out of order.
      const since = new Date(this.now().getTime() - 2 * this.pollMs - 2000).toISOString();
      const rows = await this.db
        .selectFrom('messenger_queue')
        .select('recipient')
        .distinct()
        .where('created_at', '>=', since)
        .execute();
      this.notify(rows.map((r) => r.recipient).filter((r) => this.subs.has(r)));
    } catch (e) {
      this.log.warn({ err: e }, 'relay socket poll failed');
    } finally {
      this.polling = false;
    }
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
