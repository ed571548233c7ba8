import type { EnqueueResult } from '../queue/create-queue.js';
import { changeKindOf } from './change-kind.js';
import type { PlanDeps } from './plan-deps.js';
import { PLAN_REQUEST_JOB } from './plan-job-names.js';

export interface SubmitChangeInput {
  kind: string;
  change: unknown;
  environment: string;
  requester: string;
  channel: string;
  threadTs?: string;
  revertAfterMs?: number;
  revertUntil?: number;
  /** From the Slack request identity (see jobIdFor), so a retried delivery plans once. */
  jobId: string;
}

/**
 * Handler side of "every change is a plan first": checks the change against its kind (a malformed one is
 * a programming error and throws) and queues the `plan.request` job that reads live state and posts the plan.
 */
export async function submitChange(
  deps: Pick<PlanDeps, 'kinds' | 'queue'>,
  input: SubmitChangeInput,
): Promise<EnqueueResult> {
  const kind = changeKindOf(deps.kinds, input.kind);
  const change = kind.change.parse(input.change);
  return deps.queue.enqueue(
    PLAN_REQUEST_JOB,
    {
      kind: kind.kind,
      change,
      environment: input.environment,
      ...(input.revertAfterMs ? { revertAfterMs: input.revertAfterMs } : {}),
      ...(input.revertUntil ? { revertUntil: input.revertUntil } : {}),
      meta: {
        requester: input.requester,
        channel: input.channel,
        environment: input.environment,
        ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      },
    },
    { jobId: input.jobId },
  );
}
