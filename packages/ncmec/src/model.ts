// The parts of NCMEC's CyberTipline report that Vigil fills, typed. Element names follow the XSD
// (packages/ncmec/schema/cyber_tipline.xsd); the XML builder emits them in the schema's order.

export const INCIDENT_TYPES = [
  'Child Pornography (possession, manufacture, and distribution)',
  'Child Sex Trafficking',
  'Child Sex Tourism',
  'Child Sexual Molestation',
  'Misleading Domain Name',
  'Misleading Words or Digital Images on the Internet',
  'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

export const IP_EVENTS = ['Login', 'Registration', 'Purchase', 'Upload', 'Other', 'Unknown'] as const;
export type IpEventName = (typeof IP_EVENTS)[number];

export interface IpCaptureEvent {
  ipAddress: string;
  eventName?: IpEventName;
  /** ISO 8601 date-time. */
  dateTime?: string;
  possibleProxy?: boolean;
  port?: number;
}

export interface Person {
  firstName?: string;
  lastName?: string;
  phones?: string[];
  emails?: string[];
}

export interface Reporter {
  reportingPerson: Person;
  contactPerson?: Person;
  companyTemplate?: string;
  termsOfService?: string;
  legalURL?: string;
}

export interface ReportedUser {
  espIdentifier?: string;
  espService?: string;
  screenName?: string;
  displayNames?: string[];
  profileUrls?: string[];
  profileBio?: string;
  ipCaptureEvents?: IpCaptureEvent[];
  groupIdentifier?: string;
  accountPermanentlyDisabled?: { disabledDate?: string; userNotified?: boolean };
  additionalInfo?: string;
}

/** One of the XSD's internetDetails choices; Vigil reports chats and web pages. */
export type InternetDetails =
  | { kind: 'chatIm'; chatClient?: string; chatRoomName?: string; content?: string; additionalInfo?: string }
  | { kind: 'webPage'; url?: string; additionalInfo?: string };

export interface Report {
  incidentType: IncidentType;
  /** ISO 8601 date-time of the incident. */
  incidentDateTime: string;
  platform?: string;
  incidentDateTimeDescription?: string;
  /** Flags NCMEC asks for; only `true` is sent (the schema allows no other value). */
  annotations?: {
    sextortion?: boolean;
    csamSolicitation?: boolean;
    minorToMinorInteraction?: boolean;
    spam?: boolean;
    sadisticOnlineExploitation?: boolean;
  };
  internetDetails?: InternetDetails[];
  reporter: Reporter;
  reportedUsers?: ReportedUser[];
  additionalInfo?: string;
}

export type HashType = 'MD5' | 'SHA1' | 'SHA256' | 'PDQ' | 'PhotoDNA';

export interface FileDetails {
  reportId: number;
  fileId: string;
  fileName?: string;
  originalFileName?: string;
  uploadedToEspTimestamp?: string;
  locationOfFile?: string;
  /** True only when a person at the provider viewed this very file. */
  fileViewedByEsp?: boolean;
  exifViewedByEsp?: boolean;
  publiclyAvailable?: boolean;
  fileRelevance?: 'Reported' | 'Supplemental Reported';
  originalFileHashes?: { hashType: HashType; value: string }[];
  ipCaptureEvent?: IpCaptureEvent;
  additionalInfo?: string[];
}
