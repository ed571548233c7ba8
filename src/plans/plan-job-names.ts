import { z } from 'zod';
import { JobMeta } from '../queue/job-meta.js';

// Names and payloads live apart from the job definitions so plan functions can enqueue without import cycles.
export const PLAN_REQUEST_JOB = 'plan.request';
export const PLAN_APPLY_JOB = 'plan.apply';
export const PLAN_REVERT_JOB = 'plan.revert';
export const PLAN_EXPIRE_JOB = 'plan.expire';

const planId = z.string().regex(/^[A-Za-z0-9._-]+$/);

export const PlanRequestPayload = z.object({
  kind: z.string(),
  /** Checked against the kind's schema by submitChange before it is queued. */
  change: z.unknown(),
  environment: z.string(),
  revertAfterMs: z.number().int().positive().optional(),
  revertUntil: z.number().int().positive().optional(),
  revertOf: planId.optional(),
  expectBefore: z.unknown().optional(),
  meta: JobMeta.extend({ channel: z.string() }),
});
export type PlanRequestPayload = z.infer<typeof PlanRequestPayload>;

export const PlanApplyPayload = z.object({ planId, meta: JobMeta });
export type PlanApplyPayload = z.infer<typeof PlanApplyPayload>;

/**
 * `revertAt`: the end this job was scheduled for; the plan's current `revertAt` must still be it.
 * `resumedBy`: the person who moved the end to now (Resume now), named in the revert plan.
 */
export const PlanRevertPayload = z.object({
  planId,
  revertAt: z.number().optional(),
  resumedBy: z.string().optional(),
  meta: JobMeta,
});
export type PlanRevertPayload = z.infer<typeof PlanRevertPayload>;

export const PlanExpirePayload = z.object({ planId, meta: JobMeta });

export const PlanSweepPayload = z.object({ meta: JobMeta });
export type PlanExpirePayload = z.infer<typeof PlanExpirePayload>;

export const applyJobId = (id: string) => `apply-${id}`;
export const expireJobId = (id: string) => `expire-${id}`;
/** One per scheduled end, so moving the end never collides with a finished or running earlier job. */
export const revertJobId = (id: string, revertAt: number) => `revert-${id}-${revertAt}`;
