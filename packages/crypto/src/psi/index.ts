// @vigil/crypto/psi: private matching of attachments against known-abuse hash lists (Apple-style PSI
// with associated data, per-account threshold, synthetic vouchers). Exact mode over SHA-256, an
// experimental perceptual mode over PDQ. Pure TypeScript on @noble; no `node:` imports. See README.md.
export { PsiError, type PsiErrorCode } from './errors.ts';
export type { RandomSource } from './group.ts';
export {
  createServerKey,
  encodeServerKey,
  decodeServerKey,
  createTableSigningKey,
  tableSigningPublicKey,
  selectListed,
  verifyTable,
  type PsiTable,
  type ServerKey,
  type ListEntry,
  type BuildOptions,
  type VerifyOptions,
  type LshParams,
  type Mode,
} from './table.ts';
export { buildExactTable, makeExactVoucher, type ExactInput } from './exact.ts';
export {
  buildPerceptualTable,
  makePerceptualVoucher,
  lshKeys,
  samplePositions,
  tableHitProbability,
  perceptualModel,
  PERCEPTUAL_DEFAULTS,
  type PerceptualBuildOptions,
  type PerceptualInput,
} from './perceptual.ts';
export { serverEvaluate, voucherSize, type VoucherOptions } from './voucher.ts';
export {
  createAccountSecret,
  encodeAccountSecret,
  decodeAccountSecret,
  ThresholdAccumulator,
  type AccountSecret,
  type Evaluation,
  type MatchedVoucher,
  type OpenedMatch,
} from './threshold.ts';
export { encodeEvidence, decodeEvidence, type Evidence } from './evidence.ts';
export { useLibsodium, usingLibsodium } from './group.ts';
