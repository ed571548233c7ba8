import { z } from 'zod';

/** The timeline's steps, in order. `sample` (the summary's figures) runs beside them and is not shown. */
export const STEPS = ['checklist', 'scale-up', 'go-no-go', 'wind-down', 'summary'] as const;
export const StepName = z.enum(STEPS);
export type StepName = z.infer<typeof StepName>;

export const StepStatus = z.enum(['scheduled', 'running', 'done', 'failed', 'skipped']);
export type StepStatus = z.infer<typeof StepStatus>;

export const StepState = z.object({
  status: StepStatus,
  /** When it is due (UTC ms); moved by `/workshop end`. */
  at: z.number(),
  /** One line for the timeline: what it did, or why it failed or was skipped. */
  detail: z.string().max(500).optional(),
  /** Plans it made (scale-up, pause, wind-down), for the summary and cancellation. */
  planIds: z.array(z.string()).default([]),
  updatedAt: z.number().optional(),
});
export type StepState = z.infer<typeof StepState>;

export const WorkshopTarget = z.object({ target: z.string(), replicas: z.number().int().min(0) });
export type WorkshopTarget = z.infer<typeof WorkshopTarget>;

/** What `/workshop prep` decided; only `state` and the steps change afterwards. */
export const WorkshopDoc = z.object({
  id: z.string().regex(/^w-[0-9a-f]{8}$/),
  name: z.string().min(1).max(60),
  environment: z.string(),
  users: z.number().int().positive(),
  start: z.number(),
  end: z.number(),
  /** The requester's Slack time zone, for times typed and shown as text (Slack dates render per viewer). */
  tz: z.string(),
  requester: z.string(),
  channel: z.string(),
  /** The preview message: the timeline's thread. */
  threadTs: z.string().optional(),
  createdAt: z.number(),
  /** Replicas this workshop alone needs, per capacity-table target. */
  targets: z.array(WorkshopTarget),
});
export type WorkshopDoc = z.infer<typeof WorkshopDoc>;

export const WorkshopState = z.enum(['scheduled', 'ended', 'cancelled']);
export type WorkshopState = z.infer<typeof WorkshopState>;

export interface Workshop extends WorkshopDoc {
  state: WorkshopState;
  steps: Record<StepName, StepState>;
}
