// Evaluates private-matching vouchers (event `voucher.submitted`, one per attachment). A voucher whose
// PSI layer does not match leaves no trace beyond its event. One that matches is kept; the account's
// matched vouchers are then re-evaluated together, and once `t` true shares decode its key, every true
// match is opened: the payload (blob id, attachment key, hash) is sealed in the vault and the account
// gets a `voucher.match` signal, which the default rule turns into a review task. Synthetic vouchers
// are recognised and dropped at that point. Below the threshold the server can read nothing.
import { emitWebhook } from '../webhooks/outbox.ts';
import { decodeEvidence, PsiError, serverEvaluate, ThresholdAccumulator, type Evaluation } from '@vigil/crypto/psi';
import type { Config } from '../config.ts';
import type { Analyser, Finding } from '../detect/index.ts';
import { SEVERITY } from '../detect/index.ts';
import { preserve } from '../legal/index.ts';
import { vaultKeys } from '../legal/index.ts';
import { iso } from '../util/time.ts';
import { fastGroup, psiKeys, type PsiKeys } from './keys.ts';
import { loadTable } from './tables.ts';

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

export function voucherAnalyser(cfg: Config): Analyser {
  let keys: PsiKeys | null = null;
  return async ({ trx, platform, event, eventId, clock }) => {
    if (event.type !== 'voucher.submitted') return [];
    keys ??= psiKeys(cfg);
    await fastGroup();
    const v = event.voucher;
    const invalid = (why: string): Finding[] => [
      {
        subjectType: 'account',
        subjectId: v.account_id,
        kind: 'voucher.invalid',
        severity: SEVERITY.info,
        summary: `a private-matching voucher could not be evaluated: ${why}`,
        evidence: { voucher_id: v.id, table_version: v.table_version },
        key: v.id,
      },
    ];
    const table = await loadTable(trx, v.table_version, keys.signingPublic);
    if (!table) return invalid(`no table version ${v.table_version}`);
    let ev: Evaluation;
    try {
      ev = serverEvaluate(keys.serverKey, table, bytes(v.data));
    } catch (e) {
      if (e instanceof PsiError) return invalid(`${e.code}: ${e.message}`);
      throw e;
    }
    if (!ev.matched) return [];
    const now = iso(clock.now());
    await trx
      .insertInto('psi_matches')
      .values({
        platform,
        account_id: v.account_id,
        account_secret_id: ev.accountSecretId,
        voucher_id: ev.voucherId,
        table_version: v.table_version,
        conversation_id: v.conversation_id ?? null,
        voucher: v.data,
        event_id: eventId,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['platform', 'voucher_id']).doNothing())
      .execute();

    // One accumulator per account and account secret: a secret id copied by another account mixes nothing.
    const rows = await trx
      .selectFrom('psi_matches')
      .selectAll()
      .where('platform', '=', platform)
      .where('account_id', '=', v.account_id)
      .where('account_secret_id', '=', ev.accountSecretId)
      .orderBy('id')
      .execute();
    const acc = new ThresholdAccumulator(table.threshold);
    for (const r of rows) {
      const t = await loadTable(trx, Number(r.table_version), keys.signingPublic);
      if (t) acc.add(serverEvaluate(keys.serverKey, t, bytes(r.voucher)));
    }
    if (!acc.canOpen()) return [];
    const opened = acc.open();
    const done = new Set(
      (
        await trx
          .selectFrom('psi_openings')
          .select('voucher_id')
          .where('platform', '=', platform)
          .where('account_id', '=', v.account_id)
          .execute()
      ).map((r) => r.voucher_id),
    );
    const fresh = opened.filter((o) => !done.has(o.voucherId));
    if (!fresh.length) return [];
    const byVoucher = new Map(rows.map((r) => [r.voucher_id, r]));
    const vault = vaultKeys(cfg);
    const openings = [];
    for (const o of fresh) {
      const evidence = decodeEvidence(o.payload);
      const vaultItem = await preserve(
        trx,
        {
          platform,
          subjectType: 'account',
          subjectId: v.account_id,
          reportId: null,
          kind: 'metadata',
          label: `psi-voucher:${o.voucherId}`,
          mime: 'application/vnd.vigil.psi-evidence',
          bytes: o.payload,
        },
        vault,
        cfg.vault.retentionDays,
        clock,
      );
      const conversation = byVoucher.get(o.voucherId)?.conversation_id ?? null;
      const row = await trx
        .insertInto('psi_openings')
        .values({
          platform,
          account_id: v.account_id,
          voucher_id: o.voucherId,
          conversation_id: conversation,
          blob_id: evidence.blobId,
          sha256: evidence.sha256,
          vault_item_id: vaultItem,
          opened_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      openings.push({
        opening_id: Number(row.id),
        blob_id: evidence.blobId,
        sha256: evidence.sha256,
        conversation_id: conversation,
      });
      // The platform keeps the encrypted attachment: ask it for this one (it answers with PUT /v1/psi/openings/{id}/blob).
      await emitWebhook(
        trx,
        'psi.opened',
        {
          opening_id: Number(row.id),
          blob_id: evidence.blobId,
          account: { platform, id: v.account_id },
          conversation_id: conversation,
        },
        clock,
      );
    }
    return [
      {
        subjectType: 'account',
        subjectId: v.account_id,
        kind: 'voucher.match',
        severity: SEVERITY.critical,
        summary: `private matching: ${fresh.length} attachment(s) matched the list (table v${table.version}, threshold ${table.threshold} reached); they can be opened for review`,
        evidence: {
          table_version: table.version,
          threshold: table.threshold,
          matched_vouchers: acc.matchedCount,
          synthetic_discarded: acc.discardedCount,
          openings,
        },
        key: `opened-${done.size + fresh.length}`,
      },
    ];
  };
}
