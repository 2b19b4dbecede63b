// The platform events Vigil ingests. Only what is never end-to-end encrypted: profiles, groups,
// invites, joins, media shared on unencrypted surfaces, and user reports (which carry plaintext
// only because the reporter chose to reveal it).
import { z } from 'zod';

const id = z.string().min(1).max(200);
const text = (max: number) => z.string().max(max);
const hex = (len: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${len}}$`), `must be ${len} hex digits`);

const mediaRef = z
  .object({
    id: id.optional(),
    url: z.string().url().max(2048).optional(),
    sha256: hex(64).optional(),
    md5: hex(32).optional(),
    pdq: hex(64).optional(),
    mime: text(100).optional(),
    size: z.number().int().nonnegative().optional(),
  })
  .strict();

const account = z
  .object({
    id,
    username: text(200).nullish(),
    display_name: text(500).nullish(),
    bio: text(5000).nullish(),
    avatar: mediaRef.nullish(),
    created_at: z.string().datetime({ offset: true }).optional(),
    ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  })
  .strict();

const group = z
  .object({
    id,
    name: text(500).nullish(),
    description: text(10_000).nullish(),
    avatar: mediaRef.nullish(),
    member_count: z.number().int().nonnegative().optional(),
    invite_link: text(2048).nullish(),
    created_at: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

const base = {
  /** The platform's idempotency id: a replay with the same id is accepted and ignored. */
  id,
  occurred_at: z.string().datetime({ offset: true }),
  actor_id: id.optional(),
};

export const platformEvent = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('account.created'), account }).strict(),
  z.object({ ...base, type: z.literal('account.updated'), account }).strict(),
  z.object({ ...base, type: z.literal('group.created'), group }).strict(),
  z.object({ ...base, type: z.literal('group.updated'), group }).strict(),
  z
    .object({
      ...base,
      type: z.literal('group.member_joined'),
      group_id: id,
      account_id: id,
      invite_link: text(2048).optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('group.member_left'), group_id: id, account_id: id }).strict(),
  z
    .object({
      ...base,
      type: z.literal('invite.created'),
      invite: z.object({ link: text(2048).min(1), group_id: id, created_by: id.optional() }).strict(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('invite.used'),
      invite: z.object({ link: text(2048).min(1), group_id: id.optional() }).strict(),
      account_id: id,
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('media.shared'),
      media: mediaRef.extend({ id }),
      surface: z.enum(['avatar', 'group_avatar', 'public_post', 'channel', 'story', 'other']),
      account_id: id.optional(),
      group_id: id.optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('report.filed'),
      report: z
        .object({
          id,
          reporter_id: id,
          subject: z.object({ type: z.enum(['account', 'group', 'message', 'media']), id }).strict(),
          reason: text(200).optional(),
          comment: text(5000).optional(),
          /** Revealed messages, franking openings, source records: verified by the report handler. */
          evidence: z.unknown().optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('voucher.submitted'),
      /** A private-matching voucher for one attachment (@vigil/crypto/psi), made for table `table_version`. */
      voucher: z
        .object({
          id,
          account_id: id,
          conversation_id: id.optional(),
          blob_id: id.optional(),
          table_version: z.number().int().positive(),
          data: z
            .string()
            .min(1)
            .max(200_000)
            .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
        })
        .strict(),
    })
    .strict(),
]);

export type PlatformEvent = z.infer<typeof platformEvent>;
export const EVENT_TYPES = platformEvent.options.map((o) => o.shape.type.value);

const MAX_BATCH = 1000;
export const eventBatch = z
  .object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH, `at most ${MAX_BATCH} events per batch`) })
  .strict();

/** The subject an event is about: its current-state row and its timeline key. */
export function subjectOf(e: PlatformEvent): { type: string; id: string } {
  switch (e.type) {
    case 'account.created':
    case 'account.updated':
      return { type: 'account', id: e.account.id };
    case 'group.created':
    case 'group.updated':
      return { type: 'group', id: e.group.id };
    case 'group.member_joined':
    case 'group.member_left':
      return { type: 'group', id: e.group_id };
    case 'invite.created':
    case 'invite.used':
      return { type: 'invite', id: e.invite.link };
    case 'media.shared':
      return { type: 'media', id: e.media.id };
    case 'report.filed':
      return { type: e.report.subject.type, id: e.report.subject.id };
    case 'voucher.submitted':
      return { type: 'account', id: e.voucher.account_id };
  }
}
