// The report protocol without MLS: a sender's authenticated data, the relay's stamps on delivery, the
// evidence a recipient reveals, and its verification and subject. Evidence is built here from the
// primitives exactly as the client SDK builds it, so every field's binding is checked on its own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  b64,
  unb64,
  frankingCommitment,
  newFrankingKey,
  newRelaySourceKeys,
  randomBytes,
  sourceCommit,
  verifyReportingTag,
  verifySourceRecord,
  type FrankedContent,
  type HmacSha256,
  type Ed25519Sign,
} from '../src/index.ts';
import {
  decodeAuthenticatedData,
  derivedSubject,
  encodeAuthenticatedData,
  isSdkEvidence,
  isSourceRecordJson,
  stampDelivery,
  SubjectMismatch,
  verifyReport,
  type AttachmentPayload,
  type RelayKeysForStamping,
  type RelayKeysForVerifying,
  type ReportV1,
  type ReportVerification,
  type RevealedMessageV1,
  type SourceRecordJson,
} from '../src/report/index.ts';

const flip = (s: string, i = 0) => {
  const b = unb64(s);
  b[i]! ^= 1;
  return b64(b);
};

/** A relay with one franking key and one source key, and the verifying half the safety service holds. */
function relay(ids = { franking: 'frank-1', source: 'src-1' }) {
  const source = newRelaySourceKeys(ids.source);
  const stamping: RelayKeysForStamping = { franking: { keyId: ids.franking, key: randomBytes(32) }, source };
  const verifying: RelayKeysForVerifying = {
    franking: new Map([[ids.franking, stamping.franking.key]]),
    source: new Map([[source.keyId, { encKey: source.encKey, signPublic: source.signPublic }]]),
  };
  return { stamping, verifying, signPublic: source.signPublic };
}

interface Send {
  conversationId?: string;
  sender: string;
  recipients: string[];
  messageId: string;
  body: string;
  attachments?: AttachmentPayload[];
  /** A forward carries the original's source record (and says how many hops). */
  forwardOf?: RevealedMessageV1;
  now?: number;
}

/** What each recipient could reveal for one message: the sender's commitments, stamped by the relay on delivery. */
function send(keys: RelayKeysForStamping, s: Send): Map<string, RevealedMessageV1> {
  const attachments = s.attachments ?? [];
  const content: FrankedContent = {
    body: s.body,
    attachments: attachments.map((a) => ({ blobId: a.blob_id, key: unb64(a.key), sha256: a.sha256 })),
  };
  const kf = newFrankingKey();
  const { comm, r } = sourceCommit(content);
  const stamps = stampDelivery(keys, {
    conversationId: s.conversationId ?? 'conv-1',
    senderId: s.sender,
    messageId: s.messageId,
    epoch: 4,
    now: s.now ?? 1_790_000_000_000,
    recipients: s.recipients,
    authenticatedData: encodeAuthenticatedData(frankingCommitment(kf, content), comm),
  });
  const out = new Map<string, RevealedMessageV1>();
  for (const [recipient, st] of stamps) {
    const c = st.context;
    const own: SourceRecordJson = { comm: b64(comm), r: b64(r), src: st.src, sig: st.sig };
    out.set(recipient, {
      message_id: c.messageId,
      conversation_id: c.conversationId,
      sender_id: c.senderId,
      recipient_id: c.recipientId,
      epoch: c.epoch,
      timestamp: c.timestamp,
      key_id: c.keyId,
      body: s.body,
      attachments,
      franking_key: b64(kf),
      tag: st.tag,
      source: s.forwardOf ? s.forwardOf.source : own,
      hops: s.forwardOf ? s.forwardOf.hops + 1 : 0,
      sent_at: c.timestamp - 5,
    });
  }
  return out;
}

const report = (reporter: string, messages: RevealedMessageV1[], conversation = 'conv-1'): ReportV1 => ({
  version: 1,
  reporter_id: reporter,
  conversation_id: conversation,
  built_at: 1_790_000_001_000,
  messages,
});
const asContext = (m: RevealedMessageV1): RevealedMessageV1 => ({ ...m, context_only: true });
const attachment: AttachmentPayload = {
  blob_id: 'blob-1',
  key: b64(randomBytes(32)),
  sha256: 'ab'.repeat(32),
  size: 23,
  mime: 'text/plain',
};

describe('authenticated data', () => {
  it('round-trips the two commitments and refuses anything else', () => {
    const fc = randomBytes(32);
    const sc = randomBytes(32);
    assert.deepEqual(decodeAuthenticatedData(encodeAuthenticatedData(fc, sc)), {
      frankingCommitment: fc,
      sourceComm: sc,
    });
    assert.throws(
      () => decodeAuthenticatedData(encodeAuthenticatedData(fc, sc.subarray(1))),
      TypeError,
      'a short commitment',
    );
    assert.throws(() => decodeAuthenticatedData(randomBytes(72)), TypeError, 'random bytes');
    assert.throws(() => decodeAuthenticatedData(new Uint8Array(0)), TypeError, 'nothing');
    const other = encodeAuthenticatedData(fc, sc);
    other[4]! ^= 1; // the first byte of the "vigil-ad-v1" label
    assert.throws(() => decodeAuthenticatedData(other), /unexpected authenticated data/);
  });
});

describe('stamping a delivery', () => {
  const r = relay();
  const kf = newFrankingKey();
  const content: FrankedContent = { body: 'hello' };
  const { comm, r: opening } = sourceCommit(content);
  const commitment = frankingCommitment(kf, content);
  const delivery = {
    conversationId: 'conv-1',
    senderId: 'alice',
    messageId: 'm-1',
    epoch: 7,
    now: 1_790_000_000_000,
    authenticatedData: encodeAuthenticatedData(commitment, comm),
  };

  it('gives each distinct recipient a tag bound to them, and every copy the same signed source record', () => {
    const stamps = stampDelivery(r.stamping, { ...delivery, recipients: ['bob', 'carol', 'bob'] });
    assert.deepEqual([...stamps.keys()], ['bob', 'carol']);
    const bob = stamps.get('bob')!;
    const carol = stamps.get('carol')!;
    assert.deepEqual(bob.context, {
      conversationId: 'conv-1',
      senderId: 'alice',
      recipientId: 'bob',
      epoch: 7,
      messageId: 'm-1',
      timestamp: 1_790_000_000_000,
      keyId: 'frank-1',
    });
    assert.notEqual(bob.tag, carol.tag);
    assert.deepEqual([bob.src, bob.sig], [carol.src, carol.sig]);
    assert.equal(verifyReportingTag(r.verifying.franking, commitment, bob.context, unb64(bob.tag)), true);
    assert.equal(
      verifyReportingTag(r.verifying.franking, commitment, bob.context, unb64(carol.tag)),
      false,
      "carol's tag does not verify as bob's",
    );
    const record = { comm, r: opening, src: unb64(bob.src), sig: unb64(bob.sig) };
    assert.equal(verifySourceRecord(r.signPublic, record, content), true);
    assert.equal(verifySourceRecord(relay().signPublic, record, content), false, "another relay's key");
  });

  it('uses the primitives the caller injects (node runs OpenSSL), once per distinct recipient and once per message', () => {
    let macs = 0;
    let signatures = 0;
    const hmacSha256: HmacSha256 = (key, message) => (macs++, hmac(sha256, key, message));
    const ed25519Sign: Ed25519Sign = (message, secret) => (signatures++, ed25519.sign(message, secret));
    const injected = stampDelivery(
      { ...r.stamping, primitives: { hmacSha256, ed25519Sign } },
      { ...delivery, recipients: ['bob', 'carol', 'dave', 'bob'] },
    );
    assert.deepEqual([macs, signatures], [3, 1]);
    const plain = stampDelivery(r.stamping, { ...delivery, recipients: ['bob', 'carol', 'dave'] });
    assert.deepEqual(
      [...injected.values()].map((x) => x.tag),
      [...plain.values()].map((x) => x.tag),
      'HMAC is deterministic: the same tags either way',
    );
    const bob = injected.get('bob')!;
    assert.equal(
      verifySourceRecord(r.signPublic, { comm, r: opening, src: unb64(bob.src), sig: unb64(bob.sig) }, content),
      true,
    );
  });

  it('refuses a message without Vigil authenticated data (it could not be reported)', () => {
    assert.throws(
      () =>
        stampDelivery(r.stamping, {
          ...delivery,
          authenticatedData: new TextEncoder().encode('no commitments here'),
          recipients: ['bob'],
        }),
      TypeError,
    );
  });
});

describe('verifying a report', () => {
  const r = relay();
  const earlier = [0, 1, 2].map((i) =>
    send(r.stamping, {
      sender: i % 2 ? 'carol' : 'alice',
      recipients: ['bob', 'carol', 'alice'],
      messageId: `m-${i}`,
      body: `message ${i}`,
    }).get('bob')!,
  );
  const target = send(r.stamping, {
    sender: 'alice',
    recipients: ['bob', 'carol'],
    messageId: 'm-target',
    body: 'the reported message',
    attachments: [attachment],
    now: 1_790_000_000_500,
  });
  const genuine = report('bob', [...earlier.map(asContext), target.get('bob')!]);
  const clone = (): ReportV1 => structuredClone(genuine);
  const last = (x: ReportV1) => x.messages.at(-1)!;

  it('verifies genuine evidence and names the sender as the source of an original', () => {
    const v = verifyReport(clone(), r.verifying, { reporterId: 'bob' });
    assert.equal(v.status, 'verified', JSON.stringify(v));
    assert.ok(v.messages.every((m) => m.ok));
    assert.deepEqual(
      v.messages.map((m) => m.context_only),
      [true, true, true, false],
    );
    assert.equal(v.conversation_id, 'conv-1');
    assert.deepEqual(v.senders, ['alice']);
    assert.deepEqual(v.source, { user_id: 'alice', timestamp: 1_790_000_000_500 });
    assert.deepEqual(v.messages.at(-1)!.source, v.source);
  });

  it('fails when anything in a reported message is changed', () => {
    const cases: [string, (m: RevealedMessageV1) => void][] = [
      ['body', (m) => (m.body += '!')],
      ['attachment hash', (m) => (m.attachments[0]!.sha256 = '0'.repeat(64))],
      ['attachment key', (m) => (m.attachments[0]!.key = flip(m.attachments[0]!.key))],
      ['attachment blob id', (m) => (m.attachments[0]!.blob_id = 'blob-2')],
      ['attachment removed', (m) => (m.attachments = [])],
      ['franking key', (m) => (m.franking_key = flip(m.franking_key, 31))],
      ['tag', (m) => (m.tag = flip(m.tag, 5))],
      ['sender', (m) => (m.sender_id = 'carol')],
      ['recipient', (m) => (m.recipient_id = 'carol')],
      ['conversation', (m) => (m.conversation_id = 'elsewhere')],
      ['timestamp', (m) => (m.timestamp += 1)],
      ['epoch', (m) => (m.epoch += 1)],
      ['message id', (m) => (m.message_id += 'x')],
      ['relay key id', (m) => (m.key_id = 'frank-2')],
      ['source record ciphertext', (m) => (m.source.src = flip(m.source.src, 40))],
      ['source signature', (m) => (m.source.sig = flip(m.source.sig))],
      ['source opening', (m) => (m.source.r = flip(m.source.r))],
      ['source record missing', (m) => delete (m as Partial<RevealedMessageV1>).source],
      ['franking key missing', (m) => delete (m as Partial<RevealedMessageV1>).franking_key],
    ];
    for (const [what, change] of cases) {
      const x = clone();
      change(last(x));
      const v = verifyReport(x, r.verifying);
      assert.equal(v.status, 'forged', what);
      assert.equal(v.messages.at(-1)!.ok, false, what);
      assert.equal(typeof v.messages.at(-1)!.reason, 'string', what);
      assert.equal(v.source, undefined, what);
      assert.equal(v.senders, undefined, what);
    }
  });

  it('binds the reporter: only the account a copy was delivered to can report it', () => {
    assert.equal(verifyReport(clone(), r.verifying, { reporterId: 'bob' }).status, 'verified');
    const v = verifyReport(clone(), r.verifying, { reporterId: 'carol' });
    assert.equal(v.status, 'forged');
    assert.match(v.messages.at(-1)!.reason!, /delivered to someone other than the reporter/);
    // Carol's own copy of the same message verifies for her, and not with Bob's tag.
    assert.equal(
      verifyReport(report('carol', [target.get('carol')!]), r.verifying, { reporterId: 'carol' }).status,
      'verified',
    );
    assert.equal(
      verifyReport(report('carol', [{ ...target.get('carol')!, tag: target.get('bob')!.tag }]), r.verifying, {
        reporterId: 'carol',
      }).status,
      'forged',
    );
  });

  it('a tampered context message is only marked; context alone, or a message from another conversation, is forged', () => {
    const x = clone();
    x.messages[0]!.body = 'edited context';
    const v = verifyReport(x, r.verifying);
    assert.equal(v.status, 'verified');
    assert.deepEqual(
      v.messages.map((m) => m.ok),
      [false, true, true, true],
    );
    const onlyContext = verifyReport(report('bob', earlier.map(asContext)), r.verifying);
    assert.equal(onlyContext.status, 'forged');
    assert.match(onlyContext.reason!, /reports no message/);
    assert.equal(verifyReport(report('bob', []), r.verifying).status, 'forged');
    const elsewhere = send(r.stamping, {
      conversationId: 'conv-2',
      sender: 'alice',
      recipients: ['bob'],
      messageId: 'm-x',
      body: 'said elsewhere',
    }).get('bob')!;
    const mixed = verifyReport(report('bob', [target.get('bob')!, elsewhere]), r.verifying);
    assert.equal(mixed.status, 'forged');
    assert.equal(mixed.messages[1]!.reason, 'message from another conversation');
  });

  it('a source record taken from another message does not make someone else the author', () => {
    const other = send(r.stamping, {
      sender: 'carol',
      recipients: ['bob'],
      messageId: 'm-other',
      body: 'different words',
    }).get('bob')!;
    const x = clone();
    last(x).source = other.source;
    assert.equal(verifyReport(x, r.verifying).status, 'forged', 'different content: the commitment does not open');
    // Identical content from two senders: each record opens, but an original's must name its sender.
    const a = send(r.stamping, { sender: 'alice', recipients: ['bob'], messageId: 'm-a', body: 'same words' }).get(
      'bob',
    )!;
    const c = send(r.stamping, { sender: 'carol', recipients: ['bob'], messageId: 'm-c', body: 'same words' }).get(
      'bob',
    )!;
    assert.equal(verifyReport(report('bob', [a]), r.verifying).status, 'verified');
    const v = verifyReport(report('bob', [{ ...a, source: c.source }]), r.verifying);
    assert.equal(v.status, 'forged');
    assert.match(v.messages[0]!.reason!, /names someone other than its sender/);
    // Checking tags only (at ingest) does not look at source records.
    assert.equal(
      verifyReport(report('bob', [{ ...a, source: c.source }]), r.verifying, { sourceRecords: false }).status,
      'verified',
    );
    assert.equal(
      verifyReport(report('bob', [{ ...a, source: c.source }]), r.verifying, { sourceRecords: false }).source,
      undefined,
    );
  });

  it('a forward traces to its original author; several senders are all named', () => {
    const original = send(r.stamping, {
      sender: 'alice',
      recipients: ['carol'],
      messageId: 'm-orig',
      body: 'pass it on',
      now: 1_789_000_000_000,
    }).get('carol')!;
    const forward = send(r.stamping, {
      sender: 'carol',
      recipients: ['bob'],
      messageId: 'm-fwd',
      body: 'pass it on',
      forwardOf: original,
    }).get('bob')!;
    const v = verifyReport(report('bob', [forward]), r.verifying, { reporterId: 'bob' });
    assert.equal(v.status, 'verified');
    assert.deepEqual(v.senders, ['carol']);
    assert.deepEqual(v.source, { user_id: 'alice', timestamp: 1_789_000_000_000 });
    const both = verifyReport(report('bob', [target.get('bob')!, forward]), r.verifying);
    assert.deepEqual(both.senders, ['alice', 'carol']);
  });

  it('other keys verify nothing, rotated keys still verify; anything else is unverifiable or forged, never thrown', () => {
    assert.equal(verifyReport(clone(), relay().verifying).status, 'forged');
    const next = relay({ franking: 'frank-2', source: 'src-2' });
    const rotated: RelayKeysForVerifying = {
      franking: new Map([...r.verifying.franking, ...next.verifying.franking]),
      source: new Map([...r.verifying.source, ...next.verifying.source]),
    };
    const fresh = send(next.stamping, {
      sender: 'alice',
      recipients: ['bob'],
      messageId: 'm-new',
      body: 'after rotation',
    }).get('bob')!;
    assert.equal(verifyReport(report('bob', [target.get('bob')!, fresh]), rotated).status, 'verified');
    assert.equal(verifyReport(report('bob', [fresh]), r.verifying).status, 'forged');
    assert.equal(verifyReport({ version: 2, messages: genuine.messages }, r.verifying).status, 'unverifiable');
    assert.equal(verifyReport(null, r.verifying).status, 'unverifiable');
    assert.equal(verifyReport('a string', r.verifying).status, 'unverifiable');
    assert.equal(verifyReport({ version: 1, messages: [{ junk: true }] }, r.verifying).status, 'forged');
    const odd = verifyReport(
      {
        version: 1,
        messages: [
          null,
          7,
          { ...target.get('bob')!, attachments: [{ key: '%%%' }] },
          { ...target.get('bob')!, tag: 'not base64!' },
        ],
      },
      r.verifying,
    );
    assert.equal(odd.status, 'forged');
    assert.deepEqual(
      odd.messages.map((m) => m.ok),
      [false, false, false, false],
    );
  });
});

describe('evidence shape checks', () => {
  it('isSdkEvidence and isSourceRecordJson accept the version-1 forms only', () => {
    assert.equal(isSdkEvidence({ version: 1, messages: [] }), true);
    assert.equal(isSdkEvidence({ version: '1', messages: [] }), false);
    assert.equal(isSdkEvidence({ version: 1, messages: {} }), false);
    assert.equal(isSdkEvidence({ messages: [{ sender: 'x', text: 'plain platform text' }] }), false);
    const rec = {
      comm: b64(randomBytes(32)),
      r: b64(randomBytes(32)),
      src: b64(randomBytes(70)),
      sig: b64(randomBytes(64)),
    };
    assert.equal(isSourceRecordJson(rec), true);
    assert.equal(isSourceRecordJson({ ...rec, sig: b64(randomBytes(63)) }), false);
    assert.equal(isSourceRecordJson({ ...rec, comm: '***' }), false);
    assert.equal(isSourceRecordJson(null), false);
  });
});

describe('the subject a verified report derives', () => {
  const verified = (senders: string[]) =>
    ({ status: 'verified', messages: [], conversation_id: 'conv-1', senders }) as ReportVerification & {
      status: 'verified';
    };

  it('is the sender when none is named, and must be one of the senders when an account is named', () => {
    assert.deepEqual(derivedSubject(verified(['alice']), undefined), { type: 'account', id: 'alice' });
    assert.deepEqual(derivedSubject(verified(['alice', 'carol']), { type: 'account', id: 'carol' }), {
      type: 'account',
      id: 'carol',
    });
    assert.throws(
      () => derivedSubject(verified(['alice']), { type: 'account', id: 'innocent' }),
      (e: Error) => e instanceof SubjectMismatch && /sent by "alice", not "innocent"/.test(e.message),
    );
    assert.throws(
      () => derivedSubject(verified(['alice', 'carol']), undefined),
      (e: Error) => e instanceof SubjectMismatch && /2 senders/.test(e.message),
    );
  });

  it("a group must be the conversation's group, when the caller knows it", () => {
    assert.deepEqual(derivedSubject(verified(['alice']), { type: 'group', id: 'g-1' }, 'g-1'), {
      type: 'group',
      id: 'g-1',
    });
    assert.deepEqual(
      derivedSubject(verified(['alice']), { type: 'group', id: 'g-9' }),
      { type: 'group', id: 'g-9' },
      'a platform maps its own conversations',
    );
    assert.throws(
      () => derivedSubject(verified(['alice']), { type: 'group', id: 'g-9' }, 'g-1'),
      (e: Error) => e instanceof SubjectMismatch && /group "g-1", not "g-9"/.test(e.message),
    );
    assert.throws(
      () => derivedSubject(verified(['alice']), { type: 'group', id: 'g-1' }, null),
      (e: Error) => e instanceof SubjectMismatch && /one-to-one/.test(e.message),
    );
  });

  it("messages and media keep the platform's own ids", () => {
    assert.deepEqual(derivedSubject(verified(['alice']), { type: 'message', id: 'pm-1' }), {
      type: 'message',
      id: 'pm-1',
    });
    assert.deepEqual(derivedSubject(verified(['alice']), { type: 'media', id: 'md-1' }, null), {
      type: 'media',
      id: 'md-1',
    });
  });
});
