import { z } from 'zod';

export const RotationChange = z.object({
  environment: z.string().min(1),
  paused: z.boolean(),
  /** Length of the pause; its resume is the plan's scheduled revert. */
  forMs: z.number().int().positive().optional(),
  /** `--until`: the absolute end (forMs is then its length when asked, for the limit check and messages). */
  until: z.number().int().positive().optional(),
  reason: z.string().max(200).optional(),
});
export type RotationChange = z.infer<typeof RotationChange>;

export const RotationLive = z.object({
  replicas: z.number().int(),
  lastRotatedAt: z.number().optional(),
  /** When the plan read it (for the rotation-due warning). */
  readAt: z.number(),
});
export type RotationLive = z.infer<typeof RotationLive>;
