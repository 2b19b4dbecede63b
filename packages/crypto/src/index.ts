// @vigil/crypto: the safety cryptography of the E2EE client and relay — message franking, committing
// attachment encryption, source tracing. Built on @noble primitives only. Private matching: ./psi. The
// report protocol built on these (stamping deliveries, report evidence, verifying it, its subject): ./report.
export * from './franking.ts';
export * from './attachment.ts';
export * from './source-trace.ts';
export { lp, unlp, b64, unb64, bytesToHex, hexToBytes, equalBytes, randomBytes } from './encoding.ts';
