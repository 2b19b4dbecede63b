// `vigil ncmec render --example`: a complete report from a neutral, fictional fixture, built by the
// real builder and validated against NCMEC's schema.
import type { FileDetails, Report } from './model.ts';
import { fileDetailsXml, reportXml } from './xml.ts';
import { validateNcmecXml } from './validate.ts';
import { validateXML } from 'xmllint-wasm';

export const EXAMPLE_REPORT: Report = {
  incidentType: 'Child Pornography (possession, manufacture, and distribution)',
  incidentDateTime: '2026-11-20T14:03:00Z',
  platform: 'Example Messenger',
  incidentDateTimeDescription: 'Time the file was shared to a public channel, from the platform event log',
  internetDetails: [
    {
      kind: 'chatIm',
      chatClient: 'Example Messenger',
      chatRoomName: 'group g-2003 (public channel)',
      additionalInfo: 'Shared on an unencrypted surface; matched a hash list before review.',
    },
  ],
  reporter: {
    reportingPerson: {
      firstName: 'Trust',
      lastName: 'Safety Team',
      emails: ['safety@example.org'],
      phones: ['+1 555 0100'],
    },
    contactPerson: { firstName: 'Legal', lastName: 'Contact', emails: ['legal@example.org'] },
    termsOfService: 'https://example.org/terms',
  },
  reportedUsers: [
    {
      espIdentifier: 'u-1005',
      espService: 'Example Messenger',
      screenName: 'example_user',
      displayNames: ['Example User'],
      ipCaptureEvents: [
        { ipAddress: '198.51.100.23', eventName: 'Registration', dateTime: '2026-11-01T09:12:00Z' },
        { ipAddress: '198.51.100.24', eventName: 'Upload', dateTime: '2026-11-20T14:03:00Z' },
      ],
      groupIdentifier: 'g-2003',
      accountPermanentlyDisabled: { disabledDate: '2026-11-20T15:00:00Z', userNotified: false },
    },
  ],
  additionalInfo: 'Drafted by Vigil from review decision 42; reviewed and sent by the legal team.',
};

export const EXAMPLE_FILE: FileDetails = {
  reportId: 1234567,
  fileId: 'example-file-id',
  originalFileName: 'IMG_0001.jpg',
  uploadedToEspTimestamp: '2026-11-20T14:03:00Z',
  fileViewedByEsp: true,
  publiclyAvailable: true,
  fileRelevance: 'Reported',
  originalFileHashes: [
    { hashType: 'MD5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
    { hashType: 'PDQ', value: 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22' },
  ],
};

export async function renderExampleReport(o: { fileDetails?: boolean } = {}): Promise<string> {
  const xml = o.fileDetails ? fileDetailsXml(EXAMPLE_FILE) : reportXml(EXAMPLE_REPORT);
  await validateNcmecXml(xml);
  // Indented by libxml2 for people to read; the content is byte-for-byte what the builder made.
  return (
    await validateXML({ xml: [{ fileName: 'example.xml', contents: xml }], normalization: 'format' })
  ).normalized.trimEnd();
}
