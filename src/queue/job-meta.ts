import { z } from 'zod';

/**
 * Who asked and where to answer; every job payload carries it under `meta`.
 * Only identifiers live here: job data is stored as plain JSON in Redis, so never a token or URL with a secret.
 */
export const JobMeta = z.object({
  requester: z.string().min(1),
  channel: z.string().optional(),
  threadTs: z.string().optional(),
  environment: z.string().optional(),
});
export type JobMeta = z.infer<typeof JobMeta>;
