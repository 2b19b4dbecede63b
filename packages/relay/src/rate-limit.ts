// Fixed-window counters for the relay's abuse limits (registrations per address, sends, reports and
// key-package fetches per account). In memory and per process: cheap enough to sit in front of every send,
// and a refusal costs the database nothing. A refusal says when the window reopens (retry-after).
import { RelayError } from './errors.ts';

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one use of `key`; throws a 429 RelayError once `limit` uses fall in the current window (limit 0: no limit). */
  take(key: string, limit: number, what: string): void {
    if (!limit) return;
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.sweep(now); // bounded memory under a flood of distinct keys
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= limit) {
      const retry = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
      throw new RelayError(
        429,
        'rate_limited',
        `too many ${what}: at most ${limit} per ${this.windowMs >= 3_600_000 ? `${this.windowMs / 3_600_000} hour(s)` : `${this.windowMs / 60_000} minute(s)`}; try again in ${retry} s`,
        { retry_after_s: retry },
        { 'retry-after': String(retry) },
      );
    }
    w.count++;
  }

  private sweep(now: number) {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}

/** The relay's limiters, one set per app (tests get fresh ones with each app). */
export interface RelayLimiters {
  perMinute: RateLimiter;
  perHour: RateLimiter;
}

const byApp = new WeakMap<object, RelayLimiters>();

export function relayLimiters(owner: object, now?: () => number): RelayLimiters {
  let l = byApp.get(owner);
  if (!l) byApp.set(owner, (l = { perMinute: new RateLimiter(60_000, now), perHour: new RateLimiter(3_600_000, now) }));
  return l;
}
