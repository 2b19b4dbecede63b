// The `vault.preserve` job: when a decision drafts a report, the reported media, the reported
// messages and the draft itself go into the vault. Fetching runs in `prepare` (outside any
// transaction); sealing and storing in the handler.
import type { JobHandler } from '../queue/worker.ts';
import type { Config } from '../config.ts';
import { fetchMedia } from '../media/index.ts';
import { fromJson } from '../util/json.ts';
import { preserve } from './vault.ts';
import { vaultKeys } from './vault-keys.ts';
import type { Draft } from './report-draft.ts';

interface Fetched {
  files: { mediaId: string; mime: string; b64: string }[];
  failed: { mediaId: string; error: string }[];
}

export function preserveJob(cfg: Config): JobHandler {
  const keys = () => vaultKeys(cfg);
  const handler: JobHandler = async ({ reportId }: { reportId: number }, { trx, clock, prepared }) => {
    const r = await trx.selectFrom('ncmec_reports').selectAll().where('id', '=', reportId).executeTakeFirst();
    if (!r) return;
    if (await trx.selectFrom('vault_items').select('id').where('report_id', '=', reportId).executeTakeFirst()) return; // already preserved (a retried job)
    const k = keys();
    const base = { platform: r.platform, subjectType: r.subject_type, subjectId: r.subject_id, reportId };
    const days = cfg.vault.retentionDays;
    const got = prepared as Fetched;
    for (const f of got.files)
      await preserve(
        trx,
        { ...base, kind: 'media', label: f.mediaId, mime: f.mime, bytes: Buffer.from(f.b64, 'base64') },
        k,
        days,
        clock,
      );
    const messages = await trx
      .selectFrom('user_reports')
      .select(['id', 'reporter_id', 'payload', 'filed_at'])
      .where('platform', '=', r.platform)
      .where('subject_type', '=', r.subject_type)
      .where('subject_id', '=', r.subject_id)
      .execute();
    if (messages.length)
      await preserve(
        trx,
        {
          ...base,
          kind: 'messages',
          label: 'user-reports.json',
          mime: 'application/json',
          bytes: Buffer.from(JSON.stringify(messages.map((m) => ({ ...m, payload: fromJson(m.payload) })))),
        },
        k,
        days,
        clock,
      );
    const metadata = { draft: fromJson<Draft>(r.draft), media_not_preserved: got.failed };
    await preserve(
      trx,
      {
        ...base,
        kind: 'metadata',
        label: 'report-draft.json',
        mime: 'application/json',
        bytes: Buffer.from(JSON.stringify(metadata)),
      },
      k,
      days,
      clock,
    );
  };
  handler.prepare = async ({ reportId }: { reportId: number }, { db }) => {
    const r = await db.selectFrom('ncmec_reports').select('draft').where('id', '=', reportId).executeTakeFirst();
    const out: Fetched = { files: [], failed: [] };
    for (const f of r ? fromJson<Draft>(r.draft).files : []) {
      if (!f.url) {
        out.failed.push({ mediaId: f.mediaId, error: 'no URL for this media' });
        continue;
      }
      try {
        const m = await fetchMedia(f.url, {
          allowPrivate: cfg.media.allowPrivateFetch,
          maxBytes: cfg.media.maxBytes,
          timeoutMs: cfg.media.timeoutMs,
        });
        out.files.push({ mediaId: f.mediaId, mime: m.type, b64: m.bytes.toString('base64') });
      } catch (e) {
        out.failed.push({ mediaId: f.mediaId, error: (e as Error).message });
      }
    }
    return out;
  };
  return handler;
}
