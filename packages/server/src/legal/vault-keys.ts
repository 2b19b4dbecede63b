// Vault keys come from configuration (vault.keys, vault.activeKey). A laptop demo with none gets a
// key file in its data directory, created once with owner-only permissions.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from '@noble/hashes/utils.js';
import type { Config } from '../config.ts';
import { writeSecretFileOnce } from '../util/file-perms.ts';

export interface VaultKeys {
  active: string;
  keys: Map<string, Uint8Array>;
}

function decode(id: string, b64: string): Uint8Array {
  const k = Buffer.from(b64, 'base64');
  if (k.length !== 32) throw new Error(`vault key "${id}" must be 32 bytes in base64 (got ${k.length} bytes)`);
  return new Uint8Array(k);
}

export function vaultKeys(cfg: Config): VaultKeys {
  let entries = Object.entries(cfg.vault.keys);
  let active = cfg.vault.activeKey;
  if (!entries.length) {
    const file = join(cfg.dataDir, 'vault-keys.json');
    if (!existsSync(file))
      writeSecretFileOnce(
        file,
        JSON.stringify(
          { active: 'local-1', keys: { 'local-1': Buffer.from(randomBytes(32)).toString('base64') } },
          null,
          2,
        ),
      );
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { active: string; keys: Record<string, string> };
    entries = Object.entries(stored.keys);
    active ??= stored.active;
  }
  const keys = new Map(entries.map(([id, b64]) => [id, decode(id, b64)]));
  active ??= entries.at(-1)![0];
  if (!keys.has(active)) throw new Error(`vault.activeKey "${active}" is not among vault.keys`);
  return { active, keys };
}
