// Franking: openings verify; any change to the content, key, commitment or delivery context fails.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  frankingCommitment,
  newFrankingKey,
  reportingTag,
  verifyOpening,
  verifyReportedMessage,
  verifyReportingTag,
  randomBytes,
  type FrankedContent,
  type ReportingContext,
} from '../src/index.ts';

const content: FrankedContent = {
  body: 'hello there',
  attachments: [{ blobId: 'blob-1', key: new Uint8Array(32).fill(7), sha256: 'ab'.repeat(32) }],
};
const ctx: ReportingContext = {
  conversationId: 'conv-1',
  senderId: 'alice',
  recipientId: 'bob',
  epoch: 3,
  messageId: 'm-9',
  timestamp: 1_790_000_000_000,
  keyId: 'k1',
};

function flipByte(b: Uint8Array, i = 0): Uint8Array {
  const c = Uint8Array.from(b);
  c[i]! ^= 1;
  return c;
}

describe('message franking', () => {
  const kf = newFrankingKey();
  const relayKey = randomBytes(32);
  const relayKeys = new Map([['k1', relayKey]]);
  const commitment = frankingCommitment(kf, content);
  const tag = reportingTag(relayKey, commitment, ctx);

  it('a genuine opening and tag verify', () => {
    assert.equal(verifyOpening(commitment, kf, content), true);
    assert.equal(verifyReportingTag(relayKeys, commitment, ctx, tag), true);
    assert.deepEqual(verifyReportedMessage({ content, frankingKey: kf, context: ctx, tag }, relayKeys), { ok: true });
    assert.notDeepEqual(newFrankingKey(), newFrankingKey(), 'fresh keys per message');
  });

  it('any change to content, attachment hash or key, franking key or commitment fails the opening', () => {
    assert.equal(verifyOpening(commitment, kf, { ...content, body: 'hello therf' }), false);
    assert.equal(
      verifyOpening(commitment, kf, {
        ...content,
        attachments: [{ ...content.attachments![0]!, sha256: 'ac' + 'ab'.repeat(31) }],
      }),
      false,
    );
    assert.equal(
      verifyOpening(commitment, kf, {
        ...content,
        attachments: [{ ...content.attachments![0]!, key: flipByte(content.attachments![0]!.key) }],
      }),
      false,
    );
    assert.equal(verifyOpening(commitment, kf, { ...content, attachments: [] }), false);
    assert.equal(verifyOpening(commitment, flipByte(kf), content), false);
    assert.equal(verifyOpening(flipByte(commitment, 31), kf, content), false);
    // Field boundaries are unambiguous: moving text between fields changes the commitment.
    const a = frankingCommitment(kf, {
      body: 'ab',
      attachments: [{ blobId: 'c', key: new Uint8Array(32), sha256: '00'.repeat(32) }],
    });
    const b = frankingCommitment(kf, {
      body: 'a',
      attachments: [{ blobId: 'bc', key: new Uint8Array(32), sha256: '00'.repeat(32) }],
    });
    assert.notDeepEqual(a, b);
  });

  it('a tag fails for another sender, recipient, conversation, epoch, message, time, key id or relay key', () => {
    for (const change of [
      { senderId: 'mallory' },
      { recipientId: 'carol' },
      { recipientId: 'alice' },
      { conversationId: 'conv-2' },
      { epoch: 4 },
      { messageId: 'm-10' },
      { timestamp: ctx.timestamp + 1 },
      { keyId: 'k2' },
    ]) {
      assert.equal(
        verifyReportingTag(
          new Map([
            ['k1', relayKey],
            ['k2', relayKey],
          ]),
          commitment,
          { ...ctx, ...change },
          tag,
        ),
        false,
        JSON.stringify(change),
      );
    }
    assert.equal(verifyReportingTag(new Map([['k1', randomBytes(32)]]), commitment, ctx, tag), false);
    const forged = verifyReportedMessage(
      { content: { ...content, body: 'something else' }, frankingKey: kf, context: ctx, tag },
      relayKeys,
    );
    assert.equal(forged.ok, false);
    assert.match((forged as { reason: string }).reason, /tag does not verify/);
    assert.equal(
      verifyReportedMessage({ content, frankingKey: kf, context: { ...ctx, keyId: 'nope' }, tag }, relayKeys).ok,
      false,
    );
  });

  it('every single bit flip of the commitment, franking key, attachment key or hash fails; every sender, conversation and time change fails', () => {
    const bits = (b: Uint8Array) =>
      Array.from({ length: b.length * 8 }, (_, i) => {
        const c = Uint8Array.from(b);
        c[i >> 3]! ^= 1 << (i & 7);
        return c;
      });
    for (const c of bits(commitment)) assert.equal(verifyOpening(c, kf, content), false);
    for (const k of bits(kf)) assert.equal(verifyOpening(commitment, k, content), false);
    const att = content.attachments![0]!;
    for (const key of bits(att.key))
      assert.equal(verifyOpening(commitment, kf, { ...content, attachments: [{ ...att, key }] }), false);
    const hash = Uint8Array.from(Buffer.from(att.sha256, 'hex'));
    for (const h of bits(hash))
      assert.equal(
        verifyOpening(commitment, kf, {
          ...content,
          attachments: [{ ...att, sha256: Buffer.from(h).toString('hex') }],
        }),
        false,
      );
    for (const b of bits(new TextEncoder().encode(content.body)))
      assert.equal(verifyOpening(commitment, kf, { ...content, body: new TextDecoder().decode(b) }), false);
    for (const t of bits(tag)) assert.equal(verifyReportingTag(relayKeys, commitment, ctx, t), false);
    for (const bit of [0, 1, 20, 40])
      assert.equal(
        verifyReportingTag(
          relayKeys,
          commitment,
          { ...ctx, timestamp: Number(BigInt(ctx.timestamp) ^ (1n << BigInt(bit))) },
          tag,
        ),
        false,
      );
    for (const f of ['senderId', 'recipientId', 'conversationId', 'messageId'] as const) {
      for (const b of bits(new TextEncoder().encode(ctx[f])))
        assert.equal(
          verifyReportingTag(relayKeys, commitment, { ...ctx, [f]: new TextDecoder().decode(b) }, tag),
          false,
          f,
        );
    }
    // A tag cannot be moved to another commitment (another message through the same delivery context).
    assert.equal(verifyReportingTag(relayKeys, frankingCommitment(newFrankingKey(), content), ctx, tag), false);
    // Wrong sizes are refused rather than compared.
    assert.equal(verifyOpening(commitment.subarray(0, 16), kf, content), false);
    assert.throws(() => frankingCommitment(kf.subarray(0, 16), content), RangeError);
  });
});
