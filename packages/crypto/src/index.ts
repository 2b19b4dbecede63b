// @vigil/crypto: the safety cryptography of the E2EE client and relay — message franking, committing
// attachment encryption, source tracing. Built on @noble primitives only. (Private matching: ./psi.)
export * from './franking.ts';
export * from './attachment.ts';
export * from './source-trace.ts';
export { lp, unlp, bytesToHex, hexToBytes, equalBytes, randomBytes } from './encoding.ts';
