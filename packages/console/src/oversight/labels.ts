// Words for the codes the API returns (decisions, actions, queues, appeal and request outcomes), in one place,
// so every oversight screen, chart and CSV says the same thing. An unknown code is shown readably, not hidden.

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

const QUEUES: Record<string, string> = {
  accounts: 'Accounts',
  groups: 'Groups',
  'user-reports': 'User reports',
  'known-media': 'Known media',
  flags: 'Flags from outside',
  external: 'Outside lists',
  escalated: 'Escalated',
  appeals: 'Appeals',
  approvals: 'Approvals',
  new: 'New',
  'legal-reports': 'Legal: CyberTipline reports',
  'legal-requests': 'Legal: law-enforcement requests',
};

const APPEALS: Record<string, string> = { open: 'Waiting for a decision', upheld: 'Upheld (action stands)', reversed: 'Granted (action reversed)' };

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

/** Hash lists Vigil itself keeps; others are named by whoever made them. */
const BANKS: Record<string, string> = { CONFIRMED: 'Confirmed by our reviewers', FALSE_POSITIVES: 'Known false positives' };

/** `some_code` → "Some code", for anything not listed. */
export const readable = (code: string) => {
  const s = code.replace(/[_-]+/g, ' ').trim();
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : code;
};
const from = (table: Record<string, string>) => (code: string) => table[code] ?? readable(code);

export const labels = {
  decision: from(DECISIONS),
  action: from(ACTIONS),
  queue: from(QUEUES),
  appeal: from(APPEALS),
  leKind: from(LE_KINDS),
  leOutcome: from(LE_OUTCOMES),
  bank: (name: string) => BANKS[name] ?? name,
  /** NCMEC's incident types are already words ("Child Pornography (possession, manufacture, and distribution)"). */
  incident: (type: string) => type,
};

/** Seconds as a person reads a wait: "45 s", "12 min", "3.5 h", "2.1 days". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} h`;
  return `${(seconds / 86_400).toFixed(1).replace(/\.0$/, '')} days`;
}
