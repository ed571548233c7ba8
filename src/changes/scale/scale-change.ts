import { z } from 'zod';

export const ScaleItem = z.object({
  /** Inventory target, or `*` for every deployment but the key rotator (`/scale reset all`). */
  target: z.string().regex(/^(\*|[a-z0-9-]+(:[a-z0-9-]+)?)$/, 'not a deployment target'),
  /** A count, or the inventory default (`/scale reset`). */
  replicas: z.union([z.number().int().min(0).max(1000), z.literal('default')]),
});
export type ScaleItem = z.infer<typeof ScaleItem>;

export const ScaleChange = z.object({
  environment: z.string().min(1),
  items: z.array(ScaleItem).min(1),
  reason: z.string().max(200).optional(),
});
export type ScaleChange = z.infer<typeof ScaleChange>;

const Capacity = z.object({
  nodes: z.number(),
  cpuAllocatable: z.number(),
  memoryAllocatable: z.number(),
  cpuRequested: z.number(),
  memoryRequested: z.number(),
});

/** Live state of the targets a change touches; only `desired` decides equality (ready moves on its own). */
export const ScaleLive = z.object({
  targets: z.record(z.string(), z.object({ desired: z.number().int(), ready: z.number().int() })),
  /** Who else sets the replica count (HPA, Argo CD, Helm), per target. */
  owners: z.record(z.string(), z.array(z.string())).default({}),
  capacity: z.record(z.string(), Capacity).default({}),
});
export type ScaleLive = z.infer<typeof ScaleLive>;
