// Typed failures. Callers branch on `code`; the message is for humans. A voucher that simply does not
// match is NOT an error (serverEvaluate returns { matched: false }): only malformed or altered input is.
export type PsiErrorCode =
  | 'bad-encoding' // truncated, trailing bytes, wrong magic, an invalid point or scalar
  | 'bad-version' // an encoding version this code does not speak
  | 'bad-signature' // the table's Ed25519 signature does not verify under the pinned key
  | 'stale-table' // an older list version than the client already accepted (rollback)
  | 'wrong-table' // a voucher made against another table (version, root or mode differ)
  | 'tampered' // a voucher that matched but whose authenticated body was altered
  | 'bad-params' // parameters out of range, or an account threshold that differs from the table's
  | 'cuckoo-failed' // the listed items could not be placed (should not happen at the default load)
  | 'below-threshold'; // open() before enough true matches

export class PsiError extends Error {
  override name = 'PsiError';
  constructor(
    readonly code: PsiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
