// The relay's franking and source-tracing keys, shared with the safety service that checks reports.
// From configuration (relay.frankingKeys, relay.sourceKeys); a laptop demo with none gets a key file
// in its data directory, created once with owner-only permissions.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from '@noble/hashes/utils.js';
import { newRelaySourceKeys } from '@vigil/crypto';
import type { Config } from '../config.ts';
import { writeSecretFileOnce } from '../util/file-perms.ts';

export interface RelayKeys {
  franking: Map<string, Uint8Array>;
  activeFranking: string;
  source: Map<string, { encKey: Uint8Array; signPublic: Uint8Array; signSecret?: Uint8Array }>;
  activeSource: string;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const s64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export function relayKeys(cfg: Config): RelayKeys {
  let franking = cfg.relay.frankingKeys;
  let source = cfg.relay.sourceKeys;
  if (!Object.keys(franking).length || !Object.keys(source).length) {
    const file = join(cfg.dataDir, 'relay-keys.json');
    if (!existsSync(file)) {
      const s = newRelaySourceKeys('src-local-1');
      writeSecretFileOnce(
        file,
        JSON.stringify(
          {
            frankingKeys: { 'frank-local-1': s64(randomBytes(32)) },
            sourceKeys: {
              'src-local-1': { enc: s64(s.encKey), signPublic: s64(s.signPublic), signSecret: s64(s.signSecret) },
            },
          },
          null,
          2,
        ),
      );
    }
    const stored = JSON.parse(readFileSync(file, 'utf8')) as {
      frankingKeys: Record<string, string>;
      sourceKeys: Config['relay']['sourceKeys'];
    };
    if (!Object.keys(franking).length) franking = stored.frankingKeys;
    if (!Object.keys(source).length) source = stored.sourceKeys;
  }
  const f = new Map(Object.entries(franking).map(([k, v]) => [k, b64(v)]));
  const s = new Map(
    Object.entries(source).map(([k, v]) => [
      k,
      { encKey: b64(v.enc), signPublic: b64(v.signPublic), ...(v.signSecret ? { signSecret: b64(v.signSecret) } : {}) },
    ]),
  );
  return { franking: f, activeFranking: [...f.keys()].at(-1)!, source: s, activeSource: [...s.keys()].at(-1)! };
}
