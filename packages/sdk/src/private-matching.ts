// Private matching on the client (off unless the operator turns it on): for each attachment sent into
// a conversation in scope, a voucher the server can open only if the attachment's hash is on the list
// and only after `t` of this account's attachments matched (@vigil/crypto/psi). The client learns
// nothing about the list or its own results; the table it uses is signed and its root is public.
import {
  createAccountSecret,
  decodeAccountSecret,
  encodeAccountSecret,
  encodeEvidence,
  makeExactVoucher,
  makePerceptualVoucher,
  verifyTable,
  type AccountSecret,
  type PsiTable,
} from '@vigil/crypto/psi';
import { b64, unb64 } from '@vigil/crypto';
import type { AttachmentPayload } from '@vigil/crypto/report';

export type MatchingScope = 'off' | 'large_groups' | 'everywhere';

/** The lowest per-account threshold a client accepts unless told otherwise. */
const DEFAULT_MIN_THRESHOLD = 10;

export interface MatchingPolicy {
  scope: MatchingScope;
  /** A group is "large" from this many members. */
  largeGroupMembers: number;
  /** Chance of sending a synthetic voucher instead of the real one (hides counts below the threshold). */
  syntheticProbability: number;
}

export interface VoucherUpload {
  conversationId: string;
  blobId: string;
  tableVersion: number;
  voucher: Uint8Array;
}

/** The operator's policy plus a table verified against the pinned signing key. */
export class PrivateMatching {
  private constructor(
    readonly policy: MatchingPolicy,
    readonly table: PsiTable | null,
  ) {}

  /**
   * Verifies `tableBytes` under `signingPublicKey` (which the caller pinned on first use) and refuses a
   * table older than `minVersion` (the last one this client accepted: no rollback) or with a threshold
   * below `minThreshold` (a server lowering `t` to open accounts sooner; default 10).
   */
  static create(
    policy: MatchingPolicy,
    table: { bytes: Uint8Array; signingPublicKey: Uint8Array; minVersion?: number; minThreshold?: number } | null,
  ): PrivateMatching {
    if (policy.scope !== 'off' && !table) throw new TypeError('private matching is on but no table was given');
    const t = table
      ? verifyTable(table.bytes, table.signingPublicKey, table.minVersion ? { minVersion: table.minVersion } : {})
      : null;
    const floor = table?.minThreshold ?? DEFAULT_MIN_THRESHOLD;
    if (t && t.threshold < floor)
      throw new RangeError(`the table's threshold ${t.threshold} is below the minimum this client accepts (${floor})`);
    return new PrivateMatching(policy, t);
  }

  /** Whether attachments sent into a conversation of this size (or known to be public) carry vouchers. */
  applies(memberCount: number, isPublic = false): boolean {
    if (!this.table) return false;
    if (this.policy.scope === 'everywhere') return true;
    return this.policy.scope === 'large_groups' && (isPublic || memberCount >= this.policy.largeGroupMembers);
  }

  /** One voucher for one attachment; perceptual tables need the image's PDQ hash (else: none). */
  voucherFor(account: AccountSecret, a: AttachmentPayload, pdq?: string): Uint8Array | null {
    const t = this.table!;
    const payload = encodeEvidence({
      blobId: a.blob_id,
      attachmentKey: unb64(a.key),
      sha256: a.sha256,
      ...(pdq ? { pdq } : {}),
    });
    const o = { syntheticProbability: this.policy.syntheticProbability };
    if (t.mode === 'exact') return makeExactVoucher(t, account, { sha256: a.sha256, payload }, o);
    return pdq ? makePerceptualVoucher(t, account, { pdq, payload }, o) : null;
  }
}

/** The account's threshold secret: made once per threshold, kept with the client's state. */
export function accountSecretFor(existing: string | null, threshold: number): { secret: AccountSecret; saved: string } {
  if (existing) {
    const s = decodeAccountSecret(unb64(existing));
    if (s.threshold === threshold) return { secret: s, saved: existing };
  }
  const secret = createAccountSecret(threshold);
  return { secret, saved: b64(encodeAccountSecret(secret)) };
}
