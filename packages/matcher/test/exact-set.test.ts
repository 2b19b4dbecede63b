import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExactHashSet } from '../src/index.ts';

describe('ExactHashSet', () => {
  it('maps MD5 and SHA-256 hex to ids, case-insensitively, with removal', () => {
    const md5 = new ExactHashSet(16);
    md5.add(5, 'D41D8CD98F00B204E9800998ECF8427E');
    md5.add(2, 'd41d8cd98f00b204e9800998ecf8427e');
    md5.add(9, '0'.repeat(32));
    assert.deepEqual(md5.lookup('d41d8cd98f00b204e9800998ecf8427e'), [2, 5]);
    assert.equal(md5.remove(5), true);
    assert.equal(md5.remove(5), false);
    assert.deepEqual(md5.lookup('D41D8CD98F00B204E9800998ECF8427E'), [2]);
    md5.add(2, '1'.repeat(32)); // re-adding moves the id
    assert.deepEqual(md5.lookup('d41d8cd98f00b204e9800998ecf8427e'), []);
    assert.equal(md5.size, 2);
    assert.throws(() => md5.add(1, 'a'.repeat(64)), /128-bit hash \(32 hex digits\)/);
    const sha = new ExactHashSet(32);
    sha.add(1, 'ab'.repeat(32));
    assert.deepEqual(sha.lookup('AB'.repeat(32)), [1]);
    assert.throws(() => sha.lookup('ab'), TypeError);
    assert.throws(() => new ExactHashSet(20 as 16), RangeError);
  });
});
