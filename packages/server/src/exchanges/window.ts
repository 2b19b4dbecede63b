// Time-windowed feeds (NCMEC, ThreatExchange) return a window's entries in no useful order, so a
// window [from, to] counts as fetched only when its last page is in. The checkpoint holds the
// window and the next page until then; a finished window is followed by [to, now].

export interface WindowCheckpoint {
  from: number; // unix seconds
  to: number | null;
  next: string | null;
}

/** Where a fetch starts: the saved unfinished window, or a new one from the last end (or `start`) to now. */
export function resumeWindow(saved: WindowCheckpoint | null, start: string | undefined, now: Date): WindowCheckpoint {
  if (saved?.next) return saved;
  const from = saved?.to ?? saved?.from ?? (start ? Math.floor(Date.parse(start) / 1000) : 0);
  return { from, to: Math.floor(now.getTime() / 1000), next: null };
}

/** After a page: keep its next link, or close the window so the next fetch starts at its end. */
export function afterPage(cp: WindowCheckpoint, next: string | null): WindowCheckpoint {
  return next ? { ...cp, next } : { from: cp.to!, to: null, next: null };
}
