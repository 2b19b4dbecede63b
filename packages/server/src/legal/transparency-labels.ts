// The reader-facing words of the transparency report, in one place: the JSON carries them (the console shows
// them as they are), and the HTML the CLI and the API render uses the same ones. Codes stay in the JSON for machines.

/** Each breakdown of the report: its heading, and the words for the codes it counts. */
export const BREAKDOWN_TITLES = {
  cybertipline_reports_by_incident_type: 'Reports sent to NCMEC, by incident type',
  decisions_by_outcome: 'Review decisions, by outcome',
  actions_by_type: 'Enforcement actions, by kind',
  hash_matches_by_bank: 'Hash matches, by bank',
  law_enforcement_requests_by_type: 'Law-enforcement requests, by kind',
  law_enforcement_requests_by_outcome: 'Law-enforcement requests, by outcome',
} as const;
export type BreakdownSection = keyof typeof BREAKDOWN_TITLES;

const DECISIONS: Record<string, string> = {
  apparent_csam: 'Apparent child sexual abuse material',
  policy_violation: 'Policy violation',
  not_violating: 'Not violating',
  escalate: 'Escalated to a lead',
  uphold: 'Appeal upheld',
  reverse: 'Appeal granted (action reversed)',
  approve: 'Group action approved',
  reject: 'Group action rejected',
};

const ACTIONS: Record<string, string> = {
  ban: 'Account bans',
  suspend: 'Account suspensions',
  restrict: 'Account restrictions',
  remove_avatar: 'Profile photos removed',
  remove_photo: 'Photos removed',
  reset_name: 'Names reset',
  revoke_invites: 'Invite links revoked',
  takedown_group: 'Groups taken down',
  ban_members: 'Groups whose members were all banned',
  strike: 'Strikes',
};

/** Hash lists Vigil itself keeps; others are named by whoever made them. */
const BANKS: Record<string, string> = {
  CONFIRMED: 'Confirmed by our reviewers',
  FALSE_POSITIVES: 'Known false positives',
};

const LE_KINDS: Record<string, string> = {
  preservation: 'Preservation requests',
  subpoena: 'Subpoenas',
  court_order: 'Court orders',
  search_warrant: 'Search warrants',
  emergency: 'Emergency requests',
};

const LE_OUTCOMES: Record<string, string> = {
  open: 'Still open',
  produced: 'Data produced',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
};

/** `some_code` → "Some code", for a code no table lists: shown readably, never hidden. */
const readable = (code: string) => {
  const s = code.replace(/[_-]+/g, ' ').trim();
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : code;
};
const from = (table: Record<string, string>) => (code: string) => table[code] ?? readable(code);

/** The words for one code of a breakdown. Bank names and NCMEC's incident types are already names, kept as they are. */
export const codeLabel: Record<BreakdownSection, (code: string) => string> = {
  cybertipline_reports_by_incident_type: (type) => type,
  decisions_by_outcome: from(DECISIONS),
  actions_by_type: from(ACTIONS),
  hash_matches_by_bank: (name) => BANKS[name] ?? name,
  law_enforcement_requests_by_type: from(LE_KINDS),
  law_enforcement_requests_by_outcome: from(LE_OUTCOMES),
};
