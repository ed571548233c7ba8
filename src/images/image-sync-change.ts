import { z } from 'zod';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);

/** `/images sync [image] [tag]`: make the ECR mirror's tag the source's build (or, for an undo, `digest`). */
export const ImageSyncChange = z.object({
  environment: z.string(),
  /** Inventory image id; the environment's first mirrored image when absent. */
  image: z.string().min(1).max(100).optional(),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/)
    .optional(),
  /** Pins the build the mirror's tag should point at (an undo); otherwise the source tag's current build. */
  digest: digest.optional(),
  /** Then roll the Coder deployments (control plane first, then proxies) onto it and check what they run. */
  restart: z.boolean().optional(),
  /** Copy even when the mirror is an ECR pull-through cache (refused otherwise: pulls fill a cache). */
  force: z.boolean().optional(),
});
export type ImageSyncChange = z.infer<typeof ImageSyncChange>;

/**
 * The digests of the tag on both sides (null where the tag does not exist), and the upstream the mirror
 * caches when it is an ECR pull-through cache (null: a plain mirror; absent: the rules could not be read).
 */
export const ImageSyncLive = z.object({
  mirror: digest.nullable(),
  source: digest.nullable(),
  cache: z.string().max(300).nullable().optional(),
  /**
   * With `--restart`: the restart targets (inventory names, in restart order) whose running pods are not all
   * on the mirror's build. Optional: plans stored before it was recorded must still parse and apply.
   */
  behind: z.array(z.string().max(200)).max(100).optional(),
});
export type ImageSyncLive = z.infer<typeof ImageSyncLive>;
