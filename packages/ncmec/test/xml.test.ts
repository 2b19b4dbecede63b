// Every report the builder can produce validates against NCMEC's XSD (seeded variants over the
// optional parts, with XML-special and non-Latin characters); a document out of order does not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  fileDetailsXml,
  reportXml,
  validateNcmecXml,
  NcmecValidationError,
  INCIDENT_TYPES,
  IP_EVENTS,
  renderExampleReport,
  type FileDetails,
  type Report,
} from '../src/index.ts';

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['plain', 'a <b> & "c"', "o'neil", 'Ελληνικά', '中文名', 'emoji 🙂', 'tab\there', 'line\nbreak', ']]>'];

function variant(seed: number): { report: Report; file: FileDetails } {
  const r = prng(seed);
  const maybe = <T>(v: T) => (r() < 0.5 ? v : undefined);
  const word = () => WORDS[Math.floor(r() * WORDS.length)]!;
  const time = () => new Date(Date.UTC(2026, 10, 1 + Math.floor(r() * 20), Math.floor(r() * 24))).toISOString();
  const ip = () => ({
    ipAddress: `203.0.113.${Math.floor(r() * 255)}`,
    eventName: maybe(IP_EVENTS[Math.floor(r() * IP_EVENTS.length)]!),
    dateTime: maybe(time()),
    possibleProxy: maybe(r() < 0.5),
    port: maybe(Math.floor(r() * 65535)),
  });
  const report: Report = {
    incidentType: INCIDENT_TYPES[Math.floor(r() * INCIDENT_TYPES.length)]!,
    incidentDateTime: time(),
    platform: maybe(word()),
    incidentDateTimeDescription: maybe(word()),
    annotations: maybe({ sextortion: maybe(r() < 0.5), spam: maybe(false) }),
    internetDetails: Array.from({ length: Math.floor(r() * 3) }, () =>
      r() < 0.5
        ? { kind: 'chatIm' as const, chatClient: maybe(word()), chatRoomName: maybe(word()), content: maybe(word()) }
        : { kind: 'webPage' as const, url: maybe('https://example.org/p?a=1&b=2'), additionalInfo: maybe(word()) },
    ),
    reporter: {
      reportingPerson: {
        firstName: maybe(word()),
        lastName: maybe(word()),
        emails: maybe(['safety@example.org']),
        phones: maybe(['+1 555 0100']),
      },
      contactPerson: maybe({ firstName: word() }),
      termsOfService: maybe(word()),
      legalURL: maybe('https://example.org/legal'),
    },
    reportedUsers: Array.from({ length: Math.floor(r() * 3) }, () => ({
      espIdentifier: maybe(`u-${Math.floor(r() * 1e6)}`),
      espService: maybe(word()),
      screenName: maybe(word()),
      displayNames: maybe([word(), word()]),
      profileUrls: maybe(['https://example.org/u/1']),
      profileBio: maybe(word()),
      ipCaptureEvents: Array.from({ length: Math.floor(r() * 4) }, ip),
      groupIdentifier: maybe(`g-${Math.floor(r() * 1000)}`),
      accountPermanentlyDisabled: maybe({ disabledDate: maybe(time()), userNotified: maybe(r() < 0.5) }),
      additionalInfo: maybe(word()),
    })),
    additionalInfo: maybe(word()),
  };
  const file: FileDetails = {
    reportId: 1 + Math.floor(r() * 1e7),
    fileId: `f${Math.floor(r() * 1e9).toString(16)}`,
    fileName: maybe(word()),
    originalFileName: maybe(`IMG_${Math.floor(r() * 9999)}.jpg`),
    uploadedToEspTimestamp: maybe(time()),
    fileViewedByEsp: maybe(r() < 0.5),
    exifViewedByEsp: maybe(false),
    publiclyAvailable: maybe(r() < 0.5),
    fileRelevance: maybe('Reported'),
    originalFileHashes: Array.from({ length: Math.floor(r() * 3) }, () => ({
      hashType: 'MD5' as const,
      value: 'd41d8cd98f00b204e9800998ecf8427e',
    })),
    ipCaptureEvent: maybe(ip()),
    additionalInfo: maybe([word()]),
  };
  return { report, file };
}

describe('CyberTipline XML', () => {
  it('every generated report and fileDetails validates against the XSD', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { report, file } = variant(seed);
      await validateNcmecXml(reportXml(report)).catch((e) => assert.fail(`seed ${seed}: ${e.message}`));
      await validateNcmecXml(fileDetailsXml(file)).catch((e) =>
        assert.fail(`seed ${seed} (fileDetails): ${e.message}`),
      );
    }
  });

  it('a text-only report (no files, no reported user) is valid', async () => {
    await validateNcmecXml(
      reportXml({
        incidentType: 'Online Enticement of Children for Sexual Acts',
        incidentDateTime: '2026-11-02T10:00:00Z',
        reporter: { reportingPerson: {} },
      }),
    );
  });

  it('refuses documents out of schema order, with libxml2 messages and line numbers', async () => {
    const xml = reportXml(variant(3).report).replace(
      /<incidentSummary>.*?<\/incidentSummary>(.*?)(<reporter>.*?<\/reporter>)/s,
      (_, mid, rep) => `${rep}${mid}`,
    );
    const swapped =
      '<?xml version="1.0"?>\n<report><reporter><reportingPerson/></reporter><incidentSummary><incidentType>Child Sex Tourism</incidentType><incidentDateTime>2026-11-02T10:00:00Z</incidentDateTime></incidentSummary></report>';
    await assert.rejects(
      validateNcmecXml(swapped),
      (e: NcmecValidationError) => e instanceof NcmecValidationError && /line \d+: .*reporter/.test(e.message),
    );
    await assert.rejects(
      validateNcmecXml(xml.replace('<incidentType>', '<incidentKind>').replace('</incidentType>', '</incidentKind>')),
      NcmecValidationError,
    );
    await assert.rejects(validateNcmecXml('<report><unclosed></report>'), NcmecValidationError);
  });

  it('renders the example report and file details, schema-valid', async () => {
    const xml = await renderExampleReport();
    assert.match(xml, /<incidentType>Child Pornography \(possession, manufacture, and distribution\)<\/incidentType>/);
    assert.match(
      xml,
      /<ipCaptureEvent>\s*<ipAddress>198\.51\.100\.23<\/ipAddress>\s*<eventName>Registration<\/eventName>/,
    );
    assert.match(await renderExampleReport({ fileDetails: true }), /<fileViewedByEsp>true<\/fileViewedByEsp>/);
  });
});
