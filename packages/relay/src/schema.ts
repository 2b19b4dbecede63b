// The reference messenger's own tables. Nothing else reads or writes them: the safety service learns what
// it needs through events, and the relay learns decisions through signed webhooks.
import type { Generated } from 'kysely';

type Id = Generated<number>;

export interface RelayDatabase {
  messenger_accounts: {
    id: string;
    username: string;
    password_hash: string;
    display_name: string | null;
    bio: string | null;
    avatar_url: string | null;
    created_at: string;
  };
  messenger_devices: { token_hash: string; account_id: string; created_at: string; last_seen_at: string };
  /** last_resort 1: handed out when no one-time package is left, never deleted (RFC 9420 §16.8). */
  messenger_key_packages: {
    id: Id;
    account_id: string;
    data: string;
    created_at: string;
    last_resort: Generated<number>;
  };
  messenger_queue: {
    id: Id;
    recipient: string;
    envelope_id: string;
    conversation_id: string;
    kind: string;
    sender: string;
    data: string;
    stamp: string | null;
    expires_at: string | null;
    created_at: string;
  };
  messenger_groups: {
    id: string;
    conversation_id: string;
    owner: string;
    name: string | null;
    description: string | null;
    photo_url: string | null;
    created_at: string;
  };
  messenger_invites: {
    code: string;
    group_id: string;
    created_by: string;
    created_at: string;
    revoked_at: string | null;
  };
  messenger_blobs: { id: string; owner: string; data: string; size: number; created_at: string; expires_at: string };
  /** Decisions the safety service sent (enforcement.action webhooks), as they apply here. */
  messenger_enforcement: {
    action_id: string;
    action: string;
    subject_type: string;
    subject_id: string;
    expires_at: string | null;
    reason: string;
    applied_at: string;
    reversed_at: string | null;
  };
  /** Webhook deliveries already applied (by the event id), so a redelivery changes nothing. */
  messenger_webhook_receipts: { event_id: string; type: string; received_at: string };
  /** Platform events waiting to reach the safety service (POST /v1/events): written with the change they describe. */
  messenger_outbox: {
    id: Id;
    event_id: string;
    event: string;
    created_at: string;
    attempts: number;
    next_at: string;
    last_error: string | null;
    sent_at: string | null;
    dead: number;
  };
  messenger_reports: {
    id: string;
    reporter: string;
    subject_type: string;
    subject_id: string;
    status: string;
    created_at: string;
  };
}
