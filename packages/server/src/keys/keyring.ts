// Keys every process of a deployment agrees on: the vault key, the private-matching keys and the relay's
// franking and source-tracing keys. Loaded once at start-up, from (in order):
//   1. configuration (vault.keys, psi.serverKey/signingKey, relay.frankingKeys/sourceKeys);
//   2. the shared database, when a key-encryption key is configured (keyEncryptionKey, env
//      VIGIL_KEY_ENCRYPTION_KEY): each key set is one row, created once under a lock by whichever process
//      comes first and sealed (XChaCha20-Poly1305) with that key, so every server and worker, on any machine,
//      reads the same keys;
//   3. only for the embedded SQLite database (one machine, one data directory): key files in the data
//      directory, each created atomically (written aside, then linked into place), so processes starting
//      together cannot create two different keys.
// A process refuses to start where it would otherwise make a key of its own that other processes do not have
// (PostgreSQL without keys in configuration or a key-encryption key), and when its data directory holds a key
// file that disagrees with the deployment's shared keys. The resolved keys are written into the configuration
// object, so vaultKeys(), psiKeys() and relayKeys() find them there and never create files.
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { newRelaySourceKeys } from '@vigil/crypto';
import { createServerKey, createTableSigningKey, encodeServerKey } from '@vigil/crypto/psi';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../util/file-perms.ts';
import { iso, systemClock, type Clock } from '../util/time.ts';
import { VigilError } from '../errors.ts';

type VaultSet = { active: string; keys: Record<string, string> };
type PsiSet = { serverKey: string; signingKey: string };
type RelaySet = { frankingKeys: Record<string, string>; sourceKeys: Config['relay']['sourceKeys'] };
type Sets = { vault: VaultSet; psi: PsiSet; relay: RelaySet };
type Name = keyof Sets;

const s64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const FILES: Record<Name, string> = { vault: 'vault-keys.json', psi: 'psi-keys.json', relay: 'relay-keys.json' };

const generate: { [K in Name]: () => Sets[K] } = {
  vault: () => ({ active: 'local-1', keys: { 'local-1': s64(randomBytes(32)) } }),
  psi: () => ({
    serverKey: s64(encodeServerKey(createServerKey())),
    signingKey: s64(createTableSigningKey().secretKey),
  }),
  relay: () => {
    const s = newRelaySourceKeys('src-local-1');
    return {
      frankingKeys: { 'frank-local-1': s64(randomBytes(32)) },
      sourceKeys: {
        'src-local-1': { enc: s64(s.encKey), signPublic: s64(s.signPublic), signSecret: s64(s.signSecret) },
      },
    };
  },
};

/** Which key sets configuration does not (fully) provide. */
function missingFromConfig(cfg: Config): Name[] {
  const out: Name[] = [];
  if (!Object.keys(cfg.vault.keys).length) out.push('vault');
  if (!cfg.psi.serverKey || !cfg.psi.signingKey) out.push('psi');
  if (!Object.keys(cfg.relay.frankingKeys).length || !Object.keys(cfg.relay.sourceKeys).length) out.push('relay');
  return out;
}

/** Fills in what configuration lacks from a stored set (configured parts win). */
function install<K extends Name>(cfg: Config, name: K, set: Sets[K]): void {
  if (name === 'vault') {
    const v = set as VaultSet;
    if (!Object.keys(cfg.vault.keys).length) {
      cfg.vault.keys = { ...v.keys };
      cfg.vault.activeKey ??= v.active;
    }
  } else if (name === 'psi') {
    const p = set as PsiSet;
    cfg.psi.serverKey ??= p.serverKey;
    cfg.psi.signingKey ??= p.signingKey;
  } else {
    const r = set as RelaySet;
    if (!Object.keys(cfg.relay.frankingKeys).length) cfg.relay.frankingKeys = { ...r.frankingKeys };
    if (!Object.keys(cfg.relay.sourceKeys).length) cfg.relay.sourceKeys = { ...r.sourceKeys };
  }
}

function decodeKek(b64: string): Uint8Array {
  const k = Buffer.from(b64, 'base64');
  if (k.length !== 32)
    throw new VigilError('key_config', `keyEncryptionKey must be 32 bytes in base64 (got ${k.length} bytes)`);
  return new Uint8Array(k);
}

const fingerprint = (kek: Uint8Array) => Buffer.from(sha256(kek)).subarray(0, 8).toString('hex');
const aad = (name: string) => new TextEncoder().encode(`vigil-keyring-v1|${name}`);

function seal(kek: Uint8Array, name: string, value: unknown): string {
  const nonce = randomBytes(24);
  const ct = xchacha20poly1305(kek, nonce, aad(name)).encrypt(new TextEncoder().encode(JSON.stringify(value)));
  return ['v1', fingerprint(kek), Buffer.from(nonce).toString('base64url'), Buffer.from(ct).toString('base64url')].join(
    '.',
  );
}

function unseal<T>(kek: Uint8Array, name: string, sealed: string): T {
  const [v, fp, nonce, ct] = sealed.split('.');
  if (v !== 'v1' || !nonce || !ct)
    throw new VigilError('key_config', `the stored ${name} keys are in an unknown format`);
  if (fp !== fingerprint(kek))
    throw new VigilError(
      'key_config',
      `the stored ${name} keys were sealed with a different key-encryption key (fingerprint ${fp}, configured ${fingerprint(kek)}): every process must be given the same keyEncryptionKey`,
    );
  const plain = xchacha20poly1305(kek, Buffer.from(nonce, 'base64url'), aad(name)).decrypt(
    Buffer.from(ct, 'base64url'),
  );
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

function readFileSet<K extends Name>(dataDir: string, name: K): Sets[K] | null {
  const file = join(dataDir, FILES[name]);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Sets[K]) : null;
}

/**
 * Creates the key file once: the content is written to a private temporary file and linked into place, which
 * fails if the file exists, so a reader never sees a half-written file and two processes never make two keys.
 */
function fileSet<K extends Name>(dataDir: string, name: K): Sets[K] {
  const existing = readFileSet(dataDir, name);
  if (existing) return existing;
  ensurePrivateDir(dataDir);
  const file = join(dataDir, FILES[name]);
  const tmp = `${file}.${process.pid}.${Buffer.from(randomBytes(6)).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(generate[name](), null, 2), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  return readFileSet(dataDir, name)!;
}

/** The parts of a set that identify its keys (file and database copies must agree on these). */
const IDENTITY: { [K in Name]: (set: Sets[K]) => unknown } = {
  vault: (s) => s.keys,
  psi: (s) => [s.serverKey, s.signingKey],
  relay: (s) => [s.frankingKeys, s.sourceKeys],
};
function sameKeys<K extends Name>(name: K, a: Sets[K], b: Sets[K]): boolean {
  const pick = IDENTITY[name];
  return JSON.stringify(pick(a)) === JSON.stringify(pick(b));
}

/** One key set from the shared database, created (from this data directory's legacy file, if any) when absent. */
async function databaseSet<K extends Name>(
  db: Db,
  kek: Uint8Array,
  name: K,
  dataDir: string,
  who: string,
  clock: Clock,
): Promise<{ set: Sets[K]; created: boolean }> {
  const legacy = readFileSet(dataDir, name);
  const result = await db.kysely.transaction().execute(async (trx: Kysely<Database>) => {
    // One creator at a time across every process on the database (SQLite: the write lock the insert takes).
    if (db.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(7669676901)`.execute(trx);
    const row = await trx.selectFrom('key_material').select(['sealed']).where('name', '=', name).executeTakeFirst();
    if (row) return { sealed: row.sealed, created: false };
    // A deployment that ran with key files keeps them: items sealed before stay readable.
    const sealed = seal(kek, name, legacy ?? generate[name]());
    await trx
      .insertInto('key_material')
      .values({ name, sealed, created_by: who, created_at: iso(clock.now()) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const won = await trx
      .selectFrom('key_material')
      .select(['sealed'])
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return { sealed: won.sealed, created: won.sealed === sealed };
  });
  const set = unseal<Sets[K]>(kek, name, result.sealed);
  if (legacy && !sameKeys(name, legacy, set)) {
    throw new VigilError(
      'key_config',
      `${join(dataDir, FILES[name])} holds ${name} keys that differ from the deployment's shared ones in the database: this process would use a second key. ` +
        `Move the file away (items it sealed need its key added to configuration), or use it everywhere by putting its keys in configuration.`,
    );
  }
  return { set, created: result.created };
}

/**
 * Resolves every key set once, before the process does any work, and writes them into `cfg`. Throws
 * a key_config VigilError (the process must not start) where it would otherwise create a key other processes lack.
 */
export async function loadKeyring(
  db: Db,
  cfg: Config,
  o: { log?: Logger; clock?: Clock; who?: string } = {},
): Promise<{ source: Record<Name, 'config' | 'database' | 'file'> }> {
  const source: Record<Name, 'config' | 'database' | 'file'> = { vault: 'config', psi: 'config', relay: 'config' };
  const missing = missingFromConfig(cfg);
  if (!missing.length) return { source };
  if (cfg.keyEncryptionKey) {
    const kek = decodeKek(cfg.keyEncryptionKey);
    for (const name of missing) {
      const { set, created } = await databaseSet(
        db,
        kek,
        name,
        cfg.dataDir,
        o.who ?? `pid ${process.pid}`,
        o.clock ?? systemClock,
      );
      install(cfg, name, set);
      source[name] = 'database';
      if (created) o.log?.info({ keys: name }, `${name} keys created in the shared database`);
    }
    return { source };
  }
  if (db.dialect === 'postgres') {
    throw new VigilError(
      'key_config',
      `with a shared PostgreSQL database every process must use the same keys, and ${missing.join(', ')} keys are not configured. ` +
        `Set keyEncryptionKey (env VIGIL_KEY_ENCRYPTION_KEY, 32 random bytes in base64, the same for every process) to keep them in the database, ` +
        `or configure them (vault.keys, psi.serverKey and psi.signingKey, relay.frankingKeys and relay.sourceKeys).`,
    );
  }
  for (const name of missing) {
    install(cfg, name, fileSet(cfg.dataDir, name));
    source[name] = 'file';
  }
  return { source };
}
