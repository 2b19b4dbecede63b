// The private-matching keys: α (the server key that blinds the table and unmasks vouchers) and the
// Ed25519 key that signs tables. From configuration (psi.serverKey, psi.signingKey), or for a demo a
// file in the data directory created once with owner-only permissions. α must never leave the server.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createServerKey,
  createTableSigningKey,
  decodeServerKey,
  encodeServerKey,
  tableSigningPublicKey,
  useLibsodium,
  type ServerKey,
} from '@vigil/crypto/psi';
import type { Config } from '../config.ts';
import { writeSecretFileOnce } from '../util/file-perms.ts';

export interface PsiKeys {
  serverKey: ServerKey;
  signingKey: Uint8Array;
  signingPublic: Uint8Array;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const s64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export function psiKeys(cfg: Config): PsiKeys {
  let { serverKey, signingKey } = cfg.psi;
  if (!serverKey || !signingKey) {
    const file = join(cfg.dataDir, 'psi-keys.json');
    if (!existsSync(file))
      writeSecretFileOnce(
        file,
        JSON.stringify(
          { serverKey: s64(encodeServerKey(createServerKey())), signingKey: s64(createTableSigningKey().secretKey) },
          null,
          2,
        ),
      );
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { serverKey: string; signingKey: string };
    serverKey ??= stored.serverKey;
    signingKey ??= stored.signingKey;
  }
  const sk = b64(signingKey);
  if (sk.length !== 32) throw new Error('psi.signingKey must be an Ed25519 secret key: 32 bytes in base64');
  return { serverKey: decodeServerKey(b64(serverKey)), signingKey: sk, signingPublic: tableSigningPublicKey(sk) };
}

let sodium: Promise<boolean> | null = null;
/** The server's table builds and voucher evaluations run on libsodium's WASM build (loaded once, on first use). */
export const fastGroup = (): Promise<boolean> => (sodium ??= useLibsodium());
