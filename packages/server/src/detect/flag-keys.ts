// For batched analysis: which of a batch's case keys (handles, invite links, group names) have flags waiting for
// their subject, in one read, so the flag analyser looks further only for those (flags/lifecycle.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { chunks } from '../util/chunks.ts';

export async function waitingFlagKeys(
  trx: Kysely<Database>,
  probes: { platform: string; key: string }[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const platform of new Set(probes.map((p) => p.platform))) {
    const keys = [...new Set(probes.filter((p) => p.platform === platform).map((p) => p.key))];
    for (const part of chunks(keys, 500)) {
      const rows = await trx
        .selectFrom('flags')
        .select('case_key')
        .distinct()
        .where('platform', '=', platform)
        .where('case_key', 'in', part)
        .where('resolved_id', 'is', null)
        .where('closed_at', 'is', null)
        .execute();
      for (const r of rows) out.add(`${platform}\u0000${r.case_key}`);
    }
  }
  return out;
}
