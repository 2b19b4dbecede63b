// The relay's franking and source-tracing keys. The relay stamps with them; the safety service verifies
// reports with the same franking keys and the source keys' public halves (configured on both sides).
import { newRelaySourceKeys } from '@vigil/crypto';
import { randomBytes } from 'node:crypto';

export interface RelayKeys {
  franking: Map<string, Uint8Array>;
  activeFranking: string;
  source: Map<string, { encKey: Uint8Array; signPublic: Uint8Array; signSecret?: Uint8Array }>;
  activeSource: string;
}

/** The configuration form (base64), as in the safety service's `relay.frankingKeys` / `relay.sourceKeys`. */
export interface RelayKeysConfig {
  frankingKeys: Record<string, string>;
  sourceKeys: Record<string, { enc: string; signPublic: string; signSecret?: string }>;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const s64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export function relayKeysFrom(c: RelayKeysConfig): RelayKeys {
  const f = new Map(Object.entries(c.frankingKeys).map(([k, v]) => [k, b64(v)]));
  const s = new Map(
    Object.entries(c.sourceKeys).map(([k, v]) => [
      k,
      { encKey: b64(v.enc), signPublic: b64(v.signPublic), ...(v.signSecret ? { signSecret: b64(v.signSecret) } : {}) },
    ]),
  );
  if (!f.size || !s.size) throw new Error('the relay needs at least one franking key and one source key');
  return { franking: f, activeFranking: [...f.keys()].at(-1)!, source: s, activeSource: [...s.keys()].at(-1)! };
}

/** Fresh keys (a laptop demo or a test); production keys come from configuration. */
export function newRelayKeysConfig(): RelayKeysConfig {
  const s = newRelaySourceKeys('src-local-1');
  return {
    frankingKeys: { 'frank-local-1': s64(randomBytes(32)) },
    sourceKeys: { 'src-local-1': { enc: s64(s.encKey), signPublic: s64(s.signPublic), signSecret: s64(s.signSecret) } },
  };
}
