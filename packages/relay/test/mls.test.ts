// What the relay reads of MLS: a key package's owner and last-resort extension, and an application
// message's epoch and authenticated data. Messages are made with ts-mls itself, as any client would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createApplicationMessage,
  createGroup,
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
} from 'ts-mls';
import { applicationHeader, decodeKeyPackage, isLastResort, keyPackageUser } from '../src/mls.ts';

const cs = await getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'));
const basic = (user: string) => ({ credentialType: 'basic' as const, identity: new TextEncoder().encode(user) });
const LAST_RESORT = [{ extensionType: 0x000a, extensionData: new Uint8Array(0) }];

test("key packages: the basic credential's user and the last-resort extension; other bytes are refused", async () => {
  const oneTime = await generateKeyPackage(basic('alice'), defaultCapabilities(), defaultLifetime, [], cs);
  const lastResort = await generateKeyPackage(basic('bob'), defaultCapabilities(), defaultLifetime, LAST_RESORT, cs);
  const encode = (kp: typeof oneTime.publicPackage) =>
    encodeMlsMessage({ keyPackage: kp, wireformat: 'mls_key_package', version: 'mls10' });
  const a = decodeKeyPackage(encode(oneTime.publicPackage));
  const b = decodeKeyPackage(encode(lastResort.publicPackage));
  assert.deepEqual([keyPackageUser(a), isLastResort(a)], ['alice', false]);
  assert.deepEqual([keyPackageUser(b), isLastResort(b)], ['bob', true]);
  assert.throws(() => decodeKeyPackage(new TextEncoder().encode('not MLS at all')), TypeError);

  const group = await createGroup(
    new TextEncoder().encode('conv-1'),
    oneTime.publicPackage,
    oneTime.privatePackage,
    [],
    cs,
  );
  const ad = new Uint8Array([1, 2, 3, 4]);
  const sent = await createApplicationMessage(group, new TextEncoder().encode('ciphertext only'), cs, ad);
  const message = encodeMlsMessage({
    privateMessage: sent.privateMessage,
    wireformat: 'mls_private_message',
    version: 'mls10',
  });
  assert.throws(() => decodeKeyPackage(message), /not an MLS key package/);
  assert.deepEqual(applicationHeader(message), { epoch: 0, authenticatedData: ad });
  assert.throws(() => applicationHeader(encode(oneTime.publicPackage)), /must be MLS private messages/);
  assert.throws(() => applicationHeader(new Uint8Array(3)), TypeError);
});
