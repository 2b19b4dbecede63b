// Creating a stream that other processes may be creating at the same moment. JetStream answers the loser of that race
// with "already in use", or (on 2.9) "subjects overlap with an existing stream" while the winner's stream is being
// set up; either way, a stream of our name that now exists is the one we wanted.
import { JetStreamApiError, type JetStreamManager, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';

/** Adds the stream, or returns the existing one of that name when another process created it first. */
export async function ensureStream(
  jsm: JetStreamManager,
  want: Partial<StreamConfig> & { name: string },
): Promise<{ created: boolean; info: StreamInfo }> {
  try {
    return { created: true, info: await jsm.streams.add(want) };
  } catch (e) {
    if (!(e instanceof JetStreamApiError) && !/already (in use|exists)|overlap/i.test(String(e))) throw e;
    const info = await jsm.streams.info(want.name).catch(() => null);
    if (!info) throw e;
    return { created: false, info };
  }
}
