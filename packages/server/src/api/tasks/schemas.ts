export const REVIEWERS = ['admin', 'lead', 'reviewer'] as const;
