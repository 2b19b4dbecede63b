// The MLS authenticated_data of a Vigil application message: integrity-protected by MLS, readable by the
// relay, and carrying exactly what the relay needs to stamp a delivery: the franking commitment and the
// source commitment. The client writes it; the relay reads it (./stamp.ts).
import { bytesToHex, lp, unlp } from '../encoding.ts';

const AD_TAG = 'vigil-ad-v1';

export function encodeAuthenticatedData(frankingCommitment: Uint8Array, sourceComm: Uint8Array): Uint8Array {
  return lp(AD_TAG, frankingCommitment, sourceComm);
}

/** Throws for anything but Vigil's version-1 authenticated data with two 32-byte commitments. */
export function decodeAuthenticatedData(ad: Uint8Array): { frankingCommitment: Uint8Array; sourceComm: Uint8Array } {
  const [tag, fc, sc] = unlp(ad, 3) as [Uint8Array, Uint8Array, Uint8Array];
  if (new TextDecoder().decode(tag) !== AD_TAG || fc.length !== 32 || sc.length !== 32)
    throw new TypeError(`unexpected authenticated data ${bytesToHex(ad.subarray(0, 16))}…`);
  return { frankingCommitment: fc, sourceComm: sc };
}
