// Real URLs with browser history: every view has a path under /console, so reload, Back and shared links
// land on the same view. A tiny router over the History API (no dependency).
import { useEffect, useState } from 'react';

export const BASE = '/console';

function current() {
  return { path: location.pathname.replace(/\/+$/, '') || BASE, search: new URLSearchParams(location.search) };
}

const listeners = new Set<() => void>();

/** Goes to a console path (`/queue?…`, `/cases/12`); `replace` swaps the current history entry instead. */
export function navigate(to: string, o: { replace?: boolean; state?: unknown } = {}) {
  const url = to.startsWith(BASE) ? to : `${BASE}${to}`;
  if (o.replace) history.replaceState(o.state ?? null, '', url);
  else history.pushState(o.state ?? null, '', url);
  listeners.forEach((l) => l());
}

export function useRoute() {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** The queue URL last shown, so a case can go back to the same filters (and "next" can use them). */
export const lastQueue = {
  get: () => sessionStorage.getItem('vigil.queue') ?? '/queue',
  set: (url: string) => sessionStorage.setItem('vigil.queue', url),
  clear: () => sessionStorage.removeItem('vigil.queue'),
};
