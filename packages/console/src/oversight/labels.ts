// Words for the codes the team dashboard and audit log show (decisions, queues, appeal outcomes), in one place,
// so those screens and charts say the same thing. An unknown code is shown readably, not hidden. The
// transparency report's words are not here: the server sends them with its figures (legal/transparency-labels.ts).

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

const APPEALS: Record<string, string> = {
  open: 'Waiting for a decision',
  upheld: 'Upheld (action stands)',
  reversed: 'Granted (action reversed)',
};

/** `some_code` → "Some code", for anything not listed. */
export const readable = (code: string) => {
  const s = code.replace(/[_-]+/g, ' ').trim();
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : code;
};
const from = (table: Record<string, string>) => (code: string) => table[code] ?? readable(code);

export const labels = {
  decision: from(DECISIONS),
  queue: from(QUEUES),
  appeal: from(APPEALS),
};

/** Seconds as a person reads a wait: "45 s", "12 min", "3.5 h", "2.1 days". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} h`;
  return `${(seconds / 86_400).toFixed(1).replace(/\.0$/, '')} days`;
}
