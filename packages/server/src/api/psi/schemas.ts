import { z } from 'zod';

export const tableInfo = z.object({
  version: z.number(),
  mode: z.string(),
  root: z.string(),
  threshold: z.number(),
  slots: z.number(),
  created_at: z.string(),
});

export const REVIEW = ['admin', 'lead', 'reviewer', 'legal'] as const;
