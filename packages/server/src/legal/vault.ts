// The preservation vault. Each item is sealed with XChaCha20-Poly1305 under the active key; the
// associated data binds the ciphertext to its row (subject, kind, label, plaintext hash), so a
// ciphertext moved to another row does not open. Every read, destruction and export is audited.
import type { Kysely } from 'kysely';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { zipSync } from 'fflate';
import type { Database, VaultItemsTable } from '../db/schema.ts';
import type { Selectable } from 'kysely';
import { appendAudit } from '../audit/log.ts';
import { addMs, iso, type Clock } from '../util/time.ts';
import { VigilError, notFound } from '../errors.ts';
import type { VaultKeys } from './vault-keys.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const enc = new TextEncoder();

function aad(r: {
  platform: string;
  subject_type: string;
  subject_id: string;
  kind: string;
  label: string;
  sha256: string;
}): Uint8Array {
  return enc.encode(`vigil-vault-v1|${r.platform}|${r.subject_type}|${r.subject_id}|${r.kind}|${r.label}|${r.sha256}`);
}

export interface PreserveInput {
  platform: string;
  subjectType: string;
  subjectId: string;
  reportId: number | null;
  kind: VaultItemsTable['kind'];
  label: string;
  mime: string;
  bytes: Uint8Array;
}

export async function preserve(
  trx: Kysely<Database>,
  item: PreserveInput,
  keys: VaultKeys,
  retentionDays: number,
  clock: Clock,
): Promise<number> {
  const digest = hex(sha256(item.bytes));
  const meta = {
    platform: item.platform,
    subject_type: item.subjectType,
    subject_id: item.subjectId,
    kind: item.kind,
    label: item.label,
    sha256: digest,
  };
  const nonce = randomBytes(24);
  const ct = xchacha20poly1305(keys.keys.get(keys.active)!, nonce, aad(meta)).encrypt(item.bytes);
  const now = clock.now();
  const row = await trx
    .insertInto('vault_items')
    .values({
      ...meta,
      report_id: item.reportId,
      mime: item.mime,
      size: item.bytes.length,
      key_id: keys.active,
      nonce: Buffer.from(nonce).toString('base64'),
      ciphertext: Buffer.from(ct).toString('base64'),
      created_at: iso(now),
      expires_at: iso(addMs(now, retentionDays * 86_400_000)),
      destroyed_at: null,
      destroyed_reason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    {
      actor: 'system',
      action: 'vault.preserve',
      subjectType: item.subjectType,
      subjectId: item.subjectId,
      data: {
        item_id: Number(row.id),
        kind: item.kind,
        label: item.label,
        sha256: digest,
        size: item.bytes.length,
        report_id: item.reportId,
      },
    },
    clock,
  );
  return Number(row.id);
}

function decrypt(row: Selectable<VaultItemsTable>, keys: VaultKeys): Uint8Array {
  if (row.ciphertext === null)
    throw new VigilError(
      'destroyed',
      `vault item ${row.id} was destroyed on ${row.destroyed_at} (${row.destroyed_reason})`,
    );
  const key = keys.keys.get(row.key_id);
  if (!key)
    throw new VigilError('vault_key_missing', `vault key "${row.key_id}" is not configured; add it back to vault.keys`);
  const plain = xchacha20poly1305(key, Buffer.from(row.nonce, 'base64'), aad(row)).decrypt(
    Buffer.from(row.ciphertext, 'base64'),
  );
  if (hex(sha256(plain)) !== row.sha256)
    throw new VigilError('vault_integrity', `vault item ${row.id} does not match its recorded hash`);
  return plain;
}

/** Reads an item for a person: audited, with who and why. */
export async function readItem(
  db: Kysely<Database>,
  id: number,
  keys: VaultKeys,
  actor: string,
  purpose: string,
  clock: Clock,
) {
  const row = await db.selectFrom('vault_items').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`vault item ${id}`);
  const bytes = decrypt(row, keys);
  await appendAudit(
    db,
    {
      actor,
      action: 'vault.access',
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      reason: purpose,
      data: { item_id: id, label: row.label },
    },
    clock,
  );
  return { row, bytes };
}

/** Plaintext for the filer (no person sees it; the filing itself is audited). */
export async function mediaForReport(
  db: Kysely<Database>,
  reportId: number,
  label: string,
  keys: VaultKeys,
): Promise<Uint8Array | null> {
  const row = await db
    .selectFrom('vault_items')
    .selectAll()
    .where('report_id', '=', reportId)
    .where('kind', '=', 'media')
    .where('label', '=', label)
    .where('destroyed_at', 'is', null)
    .executeTakeFirst();
  return row ? decrypt(row, keys) : null;
}

export async function destroyItem(db: Kysely<Database>, id: number, reason: string, actor: string, clock: Clock) {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('vault_items')
      .select(['id', 'subject_type', 'subject_id', 'destroyed_at', 'label', 'sha256'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`vault item ${id}`);
    if (row.destroyed_at) throw new VigilError('conflict', `vault item ${id} is already destroyed`);
    await trx
      .updateTable('vault_items')
      .set({ ciphertext: null, nonce: '', destroyed_at: iso(clock.now()), destroyed_reason: reason })
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      {
        actor,
        action: 'vault.destroy',
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        reason,
        data: { item_id: id, label: row.label, sha256: row.sha256 },
      },
      clock,
    );
  });
}

/** Destroys items past their retention that no live legal hold covers; returns how many. */
export async function destroyExpired(db: Kysely<Database>, clock: Clock): Promise<number> {
  const now = iso(clock.now());
  const due = await db
    .selectFrom('vault_items')
    .select(['id', 'platform', 'subject_type', 'subject_id'])
    .where('destroyed_at', 'is', null)
    .where('expires_at', '<=', now)
    .limit(500)
    .execute();
  let n = 0;
  for (const d of due) {
    const hold = await db
      .selectFrom('legal_holds')
      .select('expires_at')
      .where('platform', '=', d.platform)
      .where('subject_type', '=', d.subject_type)
      .where('subject_id', '=', d.subject_id)
      .where('expires_at', '>', now)
      .orderBy('expires_at', 'desc')
      .executeTakeFirst();
    if (hold) {
      // A legal hold extends retention to its own end.
      await db.updateTable('vault_items').set({ expires_at: hold.expires_at }).where('id', '=', Number(d.id)).execute();
      continue;
    }
    await destroyItem(db, Number(d.id), 'retention period ended', 'system', clock);
    n++;
  }
  return n;
}

/** Re-encrypts every live item not under the active key (after a rotation); old keys can then go. */
export async function rewrap(db: Kysely<Database>, keys: VaultKeys, actor: string, clock: Clock): Promise<number> {
  const rows = await db
    .selectFrom('vault_items')
    .selectAll()
    .where('destroyed_at', 'is', null)
    .where('key_id', '!=', keys.active)
    .execute();
  for (const row of rows) {
    const plain = decrypt(row, keys);
    const nonce = randomBytes(24);
    const ct = xchacha20poly1305(keys.keys.get(keys.active)!, nonce, aad(row)).encrypt(plain);
    await db
      .updateTable('vault_items')
      .set({
        key_id: keys.active,
        nonce: Buffer.from(nonce).toString('base64'),
        ciphertext: Buffer.from(ct).toString('base64'),
      })
      .where('id', '=', Number(row.id))
      .execute();
  }
  await appendAudit(
    db,
    { actor, action: 'vault.rewrap', subjectType: 'vault', subjectId: keys.active, data: { items: rows.length } },
    clock,
  );
  return rows.length;
}

/**
 * A sealed package for law enforcement: the files, `manifest.json` (each file's SHA-256, size, kind,
 * subject, preservation time) and `manifest.hmac` = HMAC-SHA256 over the manifest with a key derived
 * from the active vault key, so the provider can later show the package is the one it produced.
 */
export async function exportPackage(
  db: Kysely<Database>,
  ids: number[],
  keys: VaultKeys,
  actor: string,
  purpose: string,
  clock: Clock,
): Promise<{ zip: Uint8Array; manifest: object; manifestSha256: string }> {
  const files: Record<string, Uint8Array> = {};
  const items: object[] = [];
  for (const id of ids) {
    const { row, bytes } = await readItem(db, id, keys, actor, purpose, clock);
    const name = `files/${row.id}-${row.label.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    files[name] = bytes;
    items.push({
      id: Number(row.id),
      file: name,
      sha256: row.sha256,
      size: Number(row.size),
      kind: row.kind,
      mime: row.mime,
      subject: { platform: row.platform, type: row.subject_type, id: row.subject_id },
      preserved_at: row.created_at,
    });
  }
  const manifest = { produced_at: iso(clock.now()), produced_by: actor, purpose, items };
  const manifestBytes = enc.encode(JSON.stringify(manifest, null, 2));
  const exportKey = hmac(sha256, keys.keys.get(keys.active)!, enc.encode('vigil-vault-export-v1'));
  files['manifest.json'] = manifestBytes;
  files['manifest.hmac'] = enc.encode(`${keys.active}:${hex(hmac(sha256, exportKey, manifestBytes))}\n`);
  const manifestSha256 = hex(sha256(manifestBytes));
  await appendAudit(
    db,
    {
      actor,
      action: 'vault.export',
      subjectType: 'vault',
      subjectId: ids.join(','),
      reason: purpose,
      data: { items: ids.length, manifest_sha256: manifestSha256 },
    },
    clock,
  );
  return { zip: zipSync(files, { level: 0 }), manifest, manifestSha256 };
}
