import { z } from 'zod';

export const exchangeSchema = z.object({
  name: z.string(),
  type: z.string(),
  bank: z.string(),
  enabled: z.boolean(),
  interval_s: z.number(),
  config: z.record(z.string(), z.unknown()),
  checkpoint: z.unknown(),
  last_fetch_at: z.string().nullable(),
  last_success_at: z.string().nullable(),
  last_status: z.string().nullable(),
  last_error: z.string().nullable(),
  fetched_total: z.number(),
  complete_at: z.string().nullable(),
  full_sync_running: z.boolean(),
  stale_after_days: z.number().nullable(),
});
