// Readiness, shared by the server's /readyz and a worker's metrics port: the database answers and, when a
// stream is configured, so does the broker.
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';

export interface Readiness {
  ready: boolean;
  database: string;
  stream?: string;
  error?: string;
}

export async function readiness(
  db: Db,
  stream?: { url: string; ping(): Promise<void> },
  timeoutMs = 2000,
): Promise<Readiness> {
  const within = <T>(p: Promise<T>, what: string) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  const out: Readiness = { ready: true, database: db.dialect };
  const errors: string[] = [];
  try {
    await within(sql`SELECT 1`.execute(db.kysely), 'database');
  } catch (e) {
    out.database = 'unreachable';
    errors.push(`database: ${(e as Error).message}`);
  }
  if (stream) {
    try {
      await within(stream.ping(), 'stream');
      out.stream = 'ok';
    } catch (e) {
      out.stream = 'unreachable';
      errors.push(`stream: ${(e as Error).message}`);
    }
  }
  if (errors.length) {
    out.ready = false;
    out.error = errors.join('; ');
  }
  return out;
}
