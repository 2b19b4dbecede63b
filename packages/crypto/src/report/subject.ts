// Who a verified report is about is what its evidence says, not what the request says: the relay's tag binds
// conversation, sender and recipient, so a genuine report cannot be re-aimed at an innocent account.
import type { ReportVerification } from './verify.ts';

export interface ReportSubject {
  type: 'account' | 'group' | 'message' | 'media';
  id: string;
}

/** The requested subject contradicts the verified evidence (callers answer 400 with its message). */
export class SubjectMismatch extends Error {}

/**
 * The subject of a report whose evidence verified. `group` is the group the reported conversation belongs to
 * when the caller knows it (the relay: its own groups; null for a one-to-one chat), undefined when it does not
 * (a platform's events: the platform maps its conversations to groups).
 */
export function derivedSubject(
  v: ReportVerification & { status: 'verified' },
  requested: ReportSubject | undefined,
  group?: string | null,
): ReportSubject {
  const senders = v.senders ?? [];
  if (requested?.type === 'group') {
    if (group === undefined) return requested;
    if (group === null)
      throw new SubjectMismatch(
        'the reported messages are from a one-to-one conversation, not a group: report the sender (subject type "account")',
      );
    if (requested.id !== group)
      throw new SubjectMismatch(
        `the reported messages are from the conversation of group "${group}", not "${requested.id}"`,
      );
    return requested;
  }
  if (requested && requested.type !== 'account') return requested; // messages and media: the platform's own ids
  if (requested) {
    if (!senders.includes(requested.id))
      throw new SubjectMismatch(
        `the reported messages were sent by ${senders.map((s) => `"${s}"`).join(', ')}, not "${requested.id}"`,
      );
    return requested;
  }
  if (senders.length !== 1)
    throw new SubjectMismatch(
      `the reported messages come from ${senders.length} senders (${senders.join(', ')}): name one of them as the subject, or report them separately`,
    );
  return { type: 'account', id: senders[0]! };
}
