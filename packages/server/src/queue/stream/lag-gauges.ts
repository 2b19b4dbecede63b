// Consumer lag on JetStream, read from the broker at scrape time (like the database queue's gauges): per partition,
// events not yet delivered to a worker and events delivered but not yet acknowledged.
import { metrics, onScrape } from '../../metrics/metrics.ts';
import type { EventStream } from './event-stream.ts';

export function feedStreamGauges(stream: EventStream): () => void {
  return onScrape(async () => {
    const lag = await stream.lag();
    metrics.streamLag.reset();
    metrics.streamAckPending.reset();
    for (const l of lag) {
      metrics.streamLag.set({ partition: String(l.partition) }, l.pending);
      metrics.streamAckPending.set({ partition: String(l.partition) }, l.ackPending);
    }
  });
}
