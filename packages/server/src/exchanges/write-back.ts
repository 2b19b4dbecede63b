// Write-back: entries of a peer exchange's bank that review confirmed here are posted to the peer's
// shared bank (POST /v1/exchange/shared/:bank/entries). The cursor (confirmed_at, id) rides in the
// exchange checkpoint and advances only after the peer accepted a batch; the peer applies a batch
// idempotently (by hash within the bank, keeping the external id), so a batch sent twice after a
// crash changes nothing.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { FetchEnv } from './fetcher.ts';
import { VigilError } from '../errors.ts';
import { failIfNotOk, httpGet } from './http.ts';
import type { PeerConfig } from './peer.ts';

const BATCH = 1000;

export interface WriteBackCursor {
  at: string;
  id: number;
}

export async function writeBack(
  db: Kysely<Database>,
  o: {
    bankId: number;
    config: PeerConfig;
    checkpoint: unknown;
    env: FetchEnv;
    save: (checkpoint: unknown) => Promise<void>;
  },
): Promise<number> {
  const base = o.config.url.replace(/\/+$/, '');
  let checkpoint = (o.checkpoint ?? {}) as { written_back?: WriteBackCursor };
  let accepted = 0;
  for (;;) {
    const c = checkpoint.written_back ?? { at: '', id: 0 };
    const rows = await db
      .selectFrom('bank_entries')
      .select(['id', 'signal_type', 'value', 'external_id', 'confirmed_at'])
      .where('bank_id', '=', o.bankId)
      .where('confirmed', '=', 1)
      .where('confirmed_at', 'is not', null)
      .where((eb) =>
        eb.or([eb('confirmed_at', '>', c.at), eb.and([eb('confirmed_at', '=', c.at), eb('id', '>', c.id)])]),
      )
      .orderBy('confirmed_at')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (!rows.length) return accepted;
    const r = await httpGet(`${base}/v1/exchange/shared/${encodeURIComponent(o.config.bank)}/entries`, o.env, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.config.api_key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        entries: rows.map((x) => ({
          signal_type: x.signal_type,
          value: x.value,
          external_id: x.external_id ?? `entry:${x.id}`,
        })),
      }),
    });
    failIfNotOk(r, `write-back to ${new URL(base).host}`);
    let body: { confirmed?: number; added?: number };
    try {
      body = JSON.parse(r.text) as typeof body;
    } catch {
      throw new VigilError('exchange_error', `write-back to ${new URL(base).host}: not JSON`);
    }
    accepted += (body.confirmed ?? 0) + (body.added ?? 0);
    const last = rows.at(-1)!;
    checkpoint = { ...checkpoint, written_back: { at: last.confirmed_at!, id: Number(last.id) } };
    await o.save(checkpoint);
    if (rows.length < BATCH) return accepted;
  }
}
