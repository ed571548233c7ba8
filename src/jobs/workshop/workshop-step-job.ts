import { z } from 'zod';
import { shortFailure } from '../../errors/short-failure.js';
import { UserError } from '../../errors/user-error.js';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import type { Logger } from '../../queue/logger.js';
import { code } from '../../slack-text/code.js';
import { postInThread } from '../../workshop/post-in-thread.js';
import { refreshPreview } from '../../workshop/refresh-preview.js';
import { WORKSHOP_STEP_JOB } from '../../workshop/schedule-steps.js';
import { checklistStep } from '../../workshop/steps/checklist-step.js';
import { goNoGoStep } from '../../workshop/steps/go-no-go-step.js';
import { scaleUpStep } from '../../workshop/steps/scale-up-step.js';
import type { StepRunner } from '../../workshop/steps/step-outcome.js';
import { summaryStep } from '../../workshop/steps/summary-step.js';
import { windDownStep } from '../../workshop/steps/wind-down-step.js';
import { type StepName, StepName as StepNameSchema } from '../../workshop/workshop-record.js';
import { WorkshopStore } from '../../workshop/workshop-store.js';
import { STEP_TITLES } from '../../workshop/workshop-timeline.js';
import type { JobDeps } from '../job-deps.js';

const RUNNERS: Record<StepName, StepRunner> = {
  checklist: checklistStep,
  'scale-up': scaleUpStep,
  'go-no-go': goNoGoStep,
  'wind-down': windDownStep,
  summary: summaryStep,
};

/** Steps that still run for a cancelled workshop: restoring what it changed. */
const AFTER_CANCEL: readonly StepName[] = ['wind-down'];

/**
 * One step of a workshop's timeline, due at `at`. Skips itself when the step moved (`/workshop end`), ran
 * already, or the workshop was cancelled; otherwise runs it (each runner is idempotent: deterministic plan
 * ids, posts once per slot) and records the outcome, which the preview message then shows.
 */
export const workshopStepJob = defineJob({
  name: WORKSHOP_STEP_JOB,
  payload: z.object({ workshopId: z.string(), step: StepNameSchema, at: z.number(), meta: JobMeta }),
  attempts: 3,
  backoffMs: 5_000,
  lane: 'long',
  async process(
    p,
    ctx: {
      deps: JobDeps;
      log: Logger;
      signal: AbortSignal;
      jobId: string;
      attempt: number;
      maxAttempts: number;
    },
  ) {
    const deps = ctx.deps;
    const store = new WorkshopStore(deps.redis, deps.prefix);
    const w = await store.get(p.workshopId);
    const step = w?.steps[p.step];
    if (!w || !step) return { skipped: 'no such workshop' };
    if (step.at !== p.at) return { skipped: 'moved' };
    if (step.status !== 'scheduled' && step.status !== 'running') return { skipped: step.status };
    if (w.state === 'cancelled' && !AFTER_CANCEL.includes(p.step)) return { skipped: 'cancelled' };
    await store.updateStep(w.id, p.step, { status: 'running' }, deps.clock.now());
    try {
      const outcome = await RUNNERS[p.step](
        { ...w, steps: { ...w.steps, [p.step]: { ...step, status: 'running' } } },
        {
          deps,
          store,
          log: ctx.log,
          signal: ctx.signal,
          jobId: ctx.jobId,
        },
      );
      await store.updateStep(
        w.id,
        p.step,
        {
          status: outcome.status,
          detail: outcome.detail,
          planIds: [...new Set([...step.planIds, ...(outcome.planIds ?? [])])],
        },
        deps.clock.now(),
      );
      if (
        p.step === 'summary' ||
        (p.step === 'wind-down' && w.state !== 'cancelled' && w.steps.summary.status !== 'scheduled')
      )
        await store.setState(w.id, 'ended');
      await refreshPreview(deps, store, w.id, ctx.log);
      return outcome;
    } catch (err) {
      // A user-level refusal (unknown target, a conflict) will not change on retry: record it now.
      const last = err instanceof UserError || ctx.attempt >= ctx.maxAttempts;
      if (last) {
        const detail = err instanceof UserError ? err.userText : shortFailure(err);
        await store.updateStep(w.id, p.step, { status: 'failed', detail }, deps.clock.now());
        await postInThread(deps, store, w, `failed-${p.step}-${p.at}`, {
          text: `:x: Workshop ${code(w.name)}: ${STEP_TITLES[p.step].toLowerCase()} failed: ${detail}`,
        }).catch((e: unknown) => ctx.log.warn({ err: e }, 'workshop failure post failed'));
        await refreshPreview(deps, store, w.id, ctx.log);
        if (err instanceof UserError) return { failed: detail };
      }
      throw err;
    }
  },
});
