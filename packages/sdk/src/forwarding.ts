// WhatsApp-style friction on viral content. The hop counter travels inside the E2EE payload (the
// relay never sees it): "forwarded" from one hop, "forwarded many times" from five; one forward
// reaches at most five chats, and a message already forwarded many times reaches one chat at a time.

export const FORWARDED_MANY_TIMES = 5;
export const MAX_FORWARD_CHATS = 5;

export type ForwardLabel = '' | 'forwarded' | 'forwarded many times';

export class ForwardLimitError extends Error {
  override name = 'ForwardLimitError';
  constructor(
    readonly limit: number,
    readonly requested: number,
    readonly hops: number,
  ) {
    super(
      `a message ${hops >= FORWARDED_MANY_TIMES ? 'forwarded many times' : 'being forwarded'} goes to at most ${limit} chat${limit === 1 ? '' : 's'} at once (asked for ${requested})`,
    );
  }
}

export function forwardLabel(hops: number): ForwardLabel {
  return hops >= FORWARDED_MANY_TIMES ? 'forwarded many times' : hops >= 1 ? 'forwarded' : '';
}

/** How many chats a message that has already travelled `hops` hops may be forwarded to at once. */
export function forwardLimit(hops: number): number {
  return hops >= FORWARDED_MANY_TIMES ? 1 : MAX_FORWARD_CHATS;
}

export function checkForward(hops: number, chats: number): void {
  if (chats < 1) throw new RangeError('forward to at least one chat');
  const limit = forwardLimit(hops);
  if (chats > limit) throw new ForwardLimitError(limit, chats, hops);
}
