// Wraps an analyser so its time per event is observed (and, for the hash-bank matcher, counted as matcher queries).
import type { Analyser } from './signals.ts';
import { metrics } from '../metrics/metrics.ts';

export function timedAnalyser(name: string, a: Analyser, o: { matcher?: boolean } = {}): Analyser {
  return async (input) => {
    const t0 = performance.now();
    try {
      return await a(input);
    } finally {
      const s = (performance.now() - t0) / 1000;
      metrics.analyserDuration.observe({ analyser: name }, s);
      if (o.matcher && hasMedia(input.event)) {
        metrics.matcherQueries.inc();
        metrics.matcherDuration.observe(s);
      }
    }
  };
}

/** Events the matcher looks up: shared media, and profiles or groups that carry a photo. */
function hasMedia(e: Parameters<Analyser>[0]['event']): boolean {
  if (e.type === 'media.shared') return true;
  if (e.type === 'account.created' || e.type === 'account.updated') return !!e.account.avatar;
  if (e.type === 'group.created' || e.type === 'group.updated') return !!e.group.avatar;
  return false;
}
