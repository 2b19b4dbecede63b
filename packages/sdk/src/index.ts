// @vigil/sdk: the E2EE client (MLS via ts-mls) with Vigil's safety mechanisms built in.
export { VigilClient, ForwardLimitError, FORWARDED_MANY_TIMES, MAX_FORWARD_CHATS, DEFAULT_REPORT_CONTEXT, type StoredMessage, type Dropped } from './client.ts';
export { relayStamp, type RelayKeysForStamping } from './relay-side.ts';
export type { RelayTransport, Envelope, EnvelopeKind, RelayStamp } from './transport.ts';
export { encodeAuthenticatedData, decodeAuthenticatedData, type MessagePayload } from './payload.ts';
export { MemoryRelay } from './testing/memory-relay.ts';
export { HttpRelayTransport, RelayHttpError } from './http-transport.ts';
