import { z } from 'zod';

export const PlanStatus = z.enum([
  'pending',
  'approved',
  'applying',
  'applied',
  'failed',
  'cancelled',
  'expired',
]);
export type PlanStatus = z.infer<typeof PlanStatus>;

/** Scheduled actions (reverts) act as this user. */
export const SYSTEM_ACTOR = 'opsbot';

/** The immutable part of a plan, fixed when it is made. */
export const PlanDoc = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'plan ids are used in job ids'),
  kind: z.string(),
  action: z.string(),
  environment: z.string(),
  summary: z.string(),
  change: z.unknown(),
  before: z.unknown(),
  requester: z.string(),
  channel: z.string(),
  threadTs: z.string().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
  warnings: z.array(z.string()).default([]),
  revertAfterMs: z.number().int().positive().optional(),
  /** A time-boxed change with an absolute end (`--until`): the revert is due then, however late it is approved. */
  revertUntil: z.number().int().positive().optional(),
  /** This plan undoes (or is the scheduled revert of) that plan. */
  revertOf: z.string().optional(),
  /** Set for plans approved when made (scheduled reverts): why no button was needed. */
  automatic: z.string().optional(),
});
export type PlanDoc = z.infer<typeof PlanDoc>;
export type PlanDocInput = z.input<typeof PlanDoc>;

/** The mutable part, one Redis hash field each, changed only through PlanStore transitions. */
export const PlanState = z.object({
  status: PlanStatus,
  updatedAt: z.coerce.number(),
  messageTs: z.string().optional(),
  approver: z.string().optional(),
  approvedAt: z.coerce.number().optional(),
  cancelledBy: z.string().optional(),
  waiver: z.string().optional(),
  /** User-safe text of the failure. */
  error: z.string().optional(),
  /**
   * A failed plan whose targets were left part at "before", part at "after" (`partial`), or that could not be
   * read back (`unknown`); `standingNow` says where its targets stand. Unset: nothing was applied.
   */
  standing: z.enum(['partial', 'unknown']).optional(),
  standingNow: z.string().optional(),
  /** Result line from verification. */
  result: z.string().optional(),
  verified: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  resultTs: z.string().optional(),
  /** Set just before the plan message / result is posted: a re-run finds a post that was not recorded. */
  messageClaim: z.string().optional(),
  resultClaim: z.string().optional(),
  revertAt: z.coerce.number().optional(),
  /** The applied plan that undid this one. */
  revertedBy: z.string().optional(),
  /** `<plan id>@<ms>`: the latest Undo requested for this one (a new Undo is refused while it is open). */
  undoPlan: z.string().optional(),
  /** Fencing token of the apply run that owns the plan now; an older, replaced run can no longer move it. */
  runToken: z.string().optional(),
});
export type PlanState = z.infer<typeof PlanState>;

export type Plan = PlanDoc & PlanState;

export type PlanStateField = Exclude<keyof PlanState, 'status' | 'updatedAt'>;
