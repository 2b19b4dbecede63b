// Reading a recipient's queue: what both delivery paths (long poll and WebSocket) hand out.
// Expired disappearing messages are deleted first, so they are never delivered.
import type { Kysely, Selectable } from 'kysely';
import type { RelayDatabase } from './schema.ts';

export interface EnvelopeJson {
  id: string;
  conversation_id: string;
  kind: string;
  from: string;
  data: string;
  relay?: unknown;
  expires_at?: number;
}

export function envelopeJson(r: Selectable<RelayDatabase['messenger_queue']>): EnvelopeJson {
  return { id: r.envelope_id, conversation_id: r.conversation_id, kind: r.kind, from: r.sender, data: r.data, ...(r.stamp ? { relay: JSON.parse(r.stamp) } : {}), ...(r.expires_at ? { expires_at: Date.parse(r.expires_at) } : {}) };
}

/** Queued envelopes for `recipient`, oldest first. */
export async function pending(db: Kysely<RelayDatabase>, now: Date, recipient: string, o: { limit: number }): Promise<{ messages: EnvelopeJson[] }> {
  await db.deleteFrom('messenger_queue').where('recipient', '=', recipient).where('expires_at', '<', now.toISOString()).execute();
  const rows = await db.selectFrom('messenger_queue').selectAll().where('recipient', '=', recipient).orderBy('id').limit(o.limit).execute();
  return { messages: rows.map(envelopeJson) };
}

/** Removes acknowledged envelopes (only the recipient's own). */
export async function acknowledge(db: Kysely<RelayDatabase>, recipient: string, ids: string[]): Promise<number> {
  let removed = 0;
  for (let i = 0; i < ids.length; i += 1000) removed += Number((await db.deleteFrom('messenger_queue').where('recipient', '=', recipient).where('envelope_id', 'in', ids.slice(i, i + 1000)).executeTakeFirst()).numDeletedRows);
  return removed;
}
