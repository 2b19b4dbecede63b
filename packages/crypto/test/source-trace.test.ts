// Source tracing (scheme 1): a forward keeps the original record; a report reveals the original author.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  newRelaySourceKeys,
  relayStampSource,
  sourceCommit,
  traceSource,
  verifySourceRecord,
  encodeSourceRecord,
  decodeSourceRecord,
  SourceTraceError,
  type FrankedContent,
  type SourceRecord,
} from '../src/index.ts';

describe('source tracing', () => {
  const relay = newRelaySourceKeys('src-1');
  const keys = new Map([['src-1', { encKey: relay.encKey, signPublic: relay.signPublic }]]);
  const content: FrankedContent = {
    body: 'a viral picture',
    attachments: [{ blobId: 'b1', key: new Uint8Array(32).fill(1), sha256: '11'.repeat(32) }],
  };

  // Alice sends the original; the relay stamps it.
  const { comm, r } = sourceCommit(content);
  const { src, sig } = relayStampSource(relay, comm, { userId: 'alice', timestamp: 1_790_000_000_000 });
  const original: SourceRecord = { comm, r, src, sig };

  it('recipients verify the record; the service traces a forward to the original author and time', () => {
    assert.equal(verifySourceRecord(relay.signPublic, original, content), true);
    // Bob forwards to Carol: his hop is stamped too, but the payload carries Alice's record unchanged.
    const hop = sourceCommit(content);
    relayStampSource(relay, hop.comm, { userId: 'bob', timestamp: 1_790_000_100_000 });
    const forwarded = decodeSourceRecord(JSON.parse(JSON.stringify(encodeSourceRecord(original))));
    assert.deepEqual(traceSource(keys, forwarded, content), {
      userId: 'alice',
      timestamp: 1_790_000_000_000,
      keyId: 'src-1',
    });
  });

  it('rejects forged, altered and misattributed records', () => {
    assert.throws(() => traceSource(keys, original, { ...content, body: 'something else' }), SourceTraceError);
    const otherRelay = newRelaySourceKeys('src-1');
    const forged = relayStampSource(otherRelay, comm, { userId: 'mallory', timestamp: 1 });
    assert.throws(() => traceSource(keys, { ...original, ...forged }, content), /not signed by the relay/);
    const alteredSrc = Uint8Array.from(src);
    alteredSrc[alteredSrc.length - 1]! ^= 1;
    assert.equal(verifySourceRecord(relay.signPublic, { ...original, src: alteredSrc }, content), false);
    const badR = Uint8Array.from(r);
    badR[0]! ^= 1;
    assert.equal(verifySourceRecord(relay.signPublic, { ...original, r: badR }, content), false);
    assert.throws(() => traceSource(new Map(), original, content), /unknown relay key/);
  });

  it('checks the version byte and the record layout, and decrypts only with the key named in it', () => {
    const v2 = Uint8Array.from(src);
    v2[0] = 2;
    assert.throws(() => traceSource(keys, { ...original, src: v2 }, content), /unknown source record version/);
    assert.throws(() => traceSource(keys, { ...original, src: src.subarray(0, 20) }, content), SourceTraceError);
    // A relay key rotation: records stamped under the old key still trace while the old key is kept.
    const next = newRelaySourceKeys('src-2');
    const both = new Map([...keys, ['src-2', { encKey: next.encKey, signPublic: next.signPublic }]]);
    const fresh = sourceCommit(content);
    const stamped = relayStampSource(next, fresh.comm, { userId: 'dora', timestamp: 5 });
    assert.deepEqual(traceSource(both, { ...fresh, ...stamped }, content), {
      userId: 'dora',
      timestamp: 5,
      keyId: 'src-2',
    });
    assert.deepEqual(traceSource(both, original, content).userId, 'alice');
    // The encryption key of one relay key id does not open a record made under another.
    const crossed = new Map([['src-2', { encKey: relay.encKey, signPublic: next.signPublic }]]);
    assert.throws(() => traceSource(crossed, { ...fresh, ...stamped }, content), /altered/);
  });
});
