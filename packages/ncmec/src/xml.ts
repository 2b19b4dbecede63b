// Report and fileDetails XML, elements in exactly the order of the XSD's sequences.
import type { FileDetails, InternetDetails, IpCaptureEvent, Person, Report, ReportedUser } from './model.ts';

/** Escapes text for element content and attributes; drops characters XML 1.0 cannot carry. */
export function esc(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- XML 1.0's allowed characters include tab, LF and CR
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

type Child = string | undefined | null | false;
const el = (name: string, ...children: Child[]) => `<${name}>${children.filter(Boolean).join('')}</${name}>`;
const text = (name: string, v: string | number | boolean | undefined | null) =>
  v === undefined || v === null || v === '' ? '' : `<${name}>${esc(String(v))}</${name}>`;
const many = (name: string, vs: (string | undefined)[] | undefined) => (vs ?? []).map((v) => text(name, v)).join('');

function person(name: string, p: Person): string {
  return el(
    name,
    text('firstName', p.firstName),
    text('lastName', p.lastName),
    many('phone', p.phones),
    many('email', p.emails),
  );
}

function ipEvent(e: IpCaptureEvent): string {
  return el(
    'ipCaptureEvent',
    text('ipAddress', e.ipAddress),
    text('eventName', e.eventName),
    text('dateTime', e.dateTime),
    text('possibleProxy', e.possibleProxy),
    text('port', e.port),
  );
}

function internet(d: InternetDetails): string {
  if (d.kind === 'chatIm')
    return el(
      'internetDetails',
      el(
        'chatImIncident',
        text('chatClient', d.chatClient),
        text('chatRoomName', d.chatRoomName),
        text('content', d.content),
        text('additionalInfo', d.additionalInfo),
      ),
    );
  return el('internetDetails', el('webPageIncident', text('url', d.url), text('additionalInfo', d.additionalInfo)));
}

function reported(u: ReportedUser): string {
  const disabled = u.accountPermanentlyDisabled
    ? `<accountPermanentlyDisabled${u.accountPermanentlyDisabled.disabledDate ? ` disabledDate="${esc(u.accountPermanentlyDisabled.disabledDate)}"` : ''}${u.accountPermanentlyDisabled.userNotified !== undefined ? ` userNotified="${u.accountPermanentlyDisabled.userNotified}"` : ''}>true</accountPermanentlyDisabled>`
    : '';
  return el(
    'personOrUserReported',
    text('espIdentifier', u.espIdentifier),
    text('espService', u.espService),
    text('screenName', u.screenName),
    many('displayName', u.displayNames),
    many('profileUrl', u.profileUrls),
    text('profileBio', u.profileBio),
    (u.ipCaptureEvents ?? []).map(ipEvent).join(''),
    text('groupIdentifier', u.groupIdentifier),
    disabled,
    text('additionalInfo', u.additionalInfo),
  );
}

export function reportXml(r: Report): string {
  // The XSD fixes each annotation to "true": present means yes, absent means no.
  const flags = (
    ['sextortion', 'csamSolicitation', 'minorToMinorInteraction', 'spam', 'sadisticOnlineExploitation'] as const
  ).filter((k) => r.annotations?.[k] === true);
  const annotations = flags.length ? el('reportAnnotations', ...flags.map((k) => `<${k}>true</${k}>`)) : '';
  const rep = r.reporter;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el(
      'report',
      el(
        'incidentSummary',
        text('incidentType', r.incidentType),
        text('platform', r.platform),
        annotations,
        text('incidentDateTime', r.incidentDateTime),
        text('incidentDateTimeDescription', r.incidentDateTimeDescription),
      ),
      (r.internetDetails ?? []).map(internet).join(''),
      el(
        'reporter',
        person('reportingPerson', rep.reportingPerson),
        rep.contactPerson && person('contactPerson', rep.contactPerson),
        text('companyTemplate', rep.companyTemplate),
        text('termsOfService', rep.termsOfService),
        text('legalURL', rep.legalURL),
      ),
      (r.reportedUsers ?? []).map(reported).join(''),
      text('additionalInfo', r.additionalInfo),
    )
  );
}

export function fileDetailsXml(f: FileDetails): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el(
      'fileDetails',
      text('reportId', f.reportId),
      text('fileId', f.fileId),
      text('fileName', f.fileName),
      text('originalFileName', f.originalFileName),
      text('uploadedToEspTimestamp', f.uploadedToEspTimestamp),
      text('locationOfFile', f.locationOfFile),
      text('fileViewedByEsp', f.fileViewedByEsp),
      text('exifViewedByEsp', f.exifViewedByEsp),
      text('publiclyAvailable', f.publiclyAvailable),
      text('fileRelevance', f.fileRelevance),
      (f.originalFileHashes ?? [])
        .map((h) => `<originalFileHash hashType="${esc(h.hashType)}">${esc(h.value)}</originalFileHash>`)
        .join(''),
      f.ipCaptureEvent && ipEvent(f.ipCaptureEvent),
      many('additionalInfo', f.additionalInfo),
    )
  );
}
