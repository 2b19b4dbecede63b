import { z } from 'zod';

export const exposure = z.object({
  day: z.string(),
  reveals: z.number(),
  since_break: z.number(),
  soft_limit: z.number(),
  hard_limit: z.number(),
  break_due: z.boolean(),
  limit_reached: z.boolean(),
});

/** Reviewer wellness settings, per staff member. Defaults protect: blurred, greyscale, small. */
export const wellness = z
  .object({
    blur_px: z.number().int().min(0).max(60).default(24),
    greyscale: z.boolean().default(true),
    media_size_px: z.number().int().min(64).max(640).default(160),
    break_after_minutes: z.number().int().min(5).max(240).default(45),
  })
  .strict();
