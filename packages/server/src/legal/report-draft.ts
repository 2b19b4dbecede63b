// Drafting a CyberTipline report from a review decision: one report per suspect, everything the
// platform told us about them, and for each file whether a person here viewed that very file
// (the audit log is the proof: an `evidence.view` entry for it).
import type { Kysely } from 'kysely';
import type { FileDetails, IncidentType, IpCaptureEvent, Report, ReportedUser } from '@vigil/ncmec';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import { fromJson } from '../util/json.ts';

export interface DraftFile {
  /** Where the service fetches the bytes at filing time. */
  url: string | null;
  mediaId: string;
  details: Omit<FileDetails, 'reportId' | 'fileId'>;
}

export interface Draft {
  report: Report;
  files: DraftFile[];
}

/** The schema's child sexual abuse material type: what an apparent-CSAM decision reports, with or without files. */
const CSAM_INCIDENT: IncidentType = 'Child Pornography (possession, manufacture, and distribution)';

const PUBLIC_SURFACES = new Set(['avatar', 'group_avatar', 'public_post', 'channel', 'story']);

async function viewed(trx: Kysely<Database>, kind: string, id: string): Promise<boolean> {
  return !!(await trx
    .selectFrom('audit_log')
    .select('seq')
    .where('action', '=', 'evidence.view')
    .where('subject_type', '=', kind)
    .where('subject_id', '=', id)
    .limit(1)
    .executeTakeFirst());
}

function hashes(m: {
  md5?: string | null;
  sha256?: string | null;
  pdq?: string | null;
}): FileDetails['originalFileHashes'] {
  const out: NonNullable<FileDetails['originalFileHashes']> = [];
  if (m.md5) out.push({ hashType: 'MD5', value: m.md5 });
  if (m.sha256) out.push({ hashType: 'SHA256', value: m.sha256 });
  if (m.pdq) out.push({ hashType: 'PDQ', value: m.pdq });
  return out;
}

/**
 * Drafts a report from a decision. The incident type is what the decision found, not what evidence happens to be
 * attached: apparent CSAM is the CSAM type whether or not files were matched (a group's decision often has none);
 * another type (enticement) only when the decision names it. Legal can change it, with a reason.
 */
export async function draftFromDecision(
  trx: Kysely<Database>,
  o: {
    platform: string;
    subjectType: string;
    subjectId: string;
    decisionTaskId: number;
    decidedAt: string;
    incidentType?: IncidentType;
  },
  cfg: Config,
): Promise<Draft> {
  const { platform, subjectType, subjectId } = o;
  const files: DraftFile[] = [];
  const users: ReportedUser[] = [];
  const accountIds = new Set<string>();
  let groupId: string | undefined;
  if (subjectType === 'account') accountIds.add(subjectId);
  if (subjectType === 'group') groupId = subjectId;
  if (subjectType === 'media') {
    const m = await trx
      .selectFrom('media')
      .select(['account_id', 'group_id'])
      .where('platform', '=', platform)
      .where('id', '=', subjectId)
      .executeTakeFirst();
    if (m?.account_id) accountIds.add(m.account_id);
    if (m?.group_id) groupId = m.group_id;
  }

  // The media behind the decision: what matched (media.match signals), shared media of the subject, photos.
  const signals = await trx
    .selectFrom('signals')
    .select('evidence')
    .where('platform', '=', platform)
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .where('kind', '=', 'media.match')
    .execute();
  const mediaIds = new Set<string>(
    signals.map((s) => fromJson<{ media_id?: string | null }>(s.evidence).media_id).filter((x): x is string => !!x),
  );
  if (subjectType === 'media') mediaIds.add(subjectId);
  for (const id of mediaIds) {
    const m = await trx
      .selectFrom('media')
      .selectAll()
      .where('platform', '=', platform)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!m) continue;
    if (m.account_id) accountIds.add(m.account_id);
    files.push({
      url: m.url,
      mediaId: m.id,
      details: {
        originalFileName: m.url ? decodeURIComponent(new URL(m.url).pathname.split('/').pop() || m.id) : m.id,
        uploadedToEspTimestamp: m.shared_at,
        fileViewedByEsp: await viewed(trx, 'media', m.id),
        publiclyAvailable: PUBLIC_SURFACES.has(m.surface),
        fileRelevance: 'Reported',
        originalFileHashes: hashes(m),
      },
    });
  }
  // A matched profile or group photo is a file of the report too.
  for (const s of signals) {
    const ev = fromJson<{
      surface?: string;
      subject_hashes?: { md5?: string | null; sha256?: string | null; pdq?: string | null };
    }>(s.evidence);
    if (ev.surface !== 'avatar' && ev.surface !== 'group_avatar') continue;
    const table = subjectType === 'group' ? 'groups' : 'accounts';
    const row = await trx
      .selectFrom(table)
      .select('avatar')
      .where('platform', '=', platform)
      .where('id', '=', subjectId)
      .executeTakeFirst();
    const avatar = row?.avatar ? fromJson<{ url?: string }>(row.avatar) : null;
    const kind = subjectType === 'group' ? 'group_avatar' : 'account_avatar';
    if (files.some((f) => f.mediaId === `${kind}:${subjectId}`)) continue;
    files.push({
      url: avatar?.url ?? null,
      mediaId: `${kind}:${subjectId}`,
      details: {
        originalFileName: `${kind}-${subjectId}`,
        fileViewedByEsp: await viewed(trx, kind, subjectId),
        publiclyAvailable: true,
        fileRelevance: 'Reported',
        originalFileHashes: hashes(ev.subject_hashes ?? {}),
      },
    });
  }

  for (const id of accountIds) {
    const a = await trx
      .selectFrom('accounts')
      .selectAll()
      .where('platform', '=', platform)
      .where('id', '=', id)
      .executeTakeFirst();
    // IP addresses the platform supplied with account events: registration, later updates.
    const events = await trx
      .selectFrom('events')
      .select(['type', 'payload', 'occurred_at'])
      .where('platform', '=', platform)
      .where('type', 'in', ['account.created', 'account.updated'])
      .where('subject_id', '=', id)
      .orderBy('id')
      .execute();
    const ips: IpCaptureEvent[] = [];
    for (const e of events) {
      const ip = fromJson<{ account?: { ip?: string } }>(e.payload).account?.ip;
      if (ip)
        ips.push({
          ipAddress: ip,
          eventName: e.type === 'account.created' ? 'Registration' : 'Other',
          dateTime: e.occurred_at,
        });
    }
    users.push({
      espIdentifier: id,
      espService: cfg.ncmec.platformName,
      ...(a?.username ? { screenName: a.username } : {}),
      ...(a?.display_name ? { displayNames: [a.display_name] } : {}),
      ...(a?.bio ? { profileBio: a.bio } : {}),
      ...(ips.length ? { ipCaptureEvents: ips } : {}),
      ...(groupId ? { groupIdentifier: groupId } : {}),
    });
  }
  if (!users.length && groupId) users.push({ espService: cfg.ncmec.platformName, groupIdentifier: groupId });

  // The reported conversation, as the reporter chose to reveal it (user reports carry plaintext).
  const reportsRows = await trx
    .selectFrom('user_reports')
    .select(['payload', 'filed_at'])
    .where('platform', '=', platform)
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('filed_at')
    .limit(5)
    .execute();
  const conversation = reportsRows
    .flatMap(
      (r) =>
        fromJson<{ evidence?: { messages?: { sender_id?: string; sent_at?: string; text?: string }[] } }>(r.payload)
          .evidence?.messages ?? [],
    )
    .map((m) => `[${m.sent_at ?? '?'}] ${m.sender_id ?? '?'}: ${m.text ?? ''}`)
    .join('\n');

  const rep = cfg.ncmec.reporter;
  const report: Report = {
    incidentType: o.incidentType ?? CSAM_INCIDENT,
    incidentDateTime: o.decidedAt,
    platform: cfg.ncmec.platformName,
    incidentDateTimeDescription: 'Time of the review decision confirming apparent child sexual abuse material',
    internetDetails: [
      {
        kind: 'chatIm',
        chatClient: cfg.ncmec.platformName,
        ...(groupId ? { chatRoomName: `group ${groupId}` } : {}),
        ...(conversation ? { content: conversation.slice(0, 20_000) } : {}),
      },
    ],
    reporter: {
      reportingPerson: {
        ...(rep.firstName ? { firstName: rep.firstName } : {}),
        ...(rep.lastName ? { lastName: rep.lastName } : {}),
        ...(rep.email ? { emails: [rep.email] } : {}),
        ...(rep.phone ? { phones: [rep.phone] } : {}),
      },
      ...(rep.termsOfService ? { termsOfService: rep.termsOfService } : {}),
      ...(rep.legalURL ? { legalURL: rep.legalURL } : {}),
    },
    reportedUsers: users,
    additionalInfo: `Drafted by Vigil from review decision on task ${o.decisionTaskId}.`,
  };
  return { report, files };
}
