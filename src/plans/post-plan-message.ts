import { createProgressReporter } from '../queue/create-progress-reporter.js';
import { changeKindOf } from './change-kind.js';
import type { Plan } from './plan.js';
import type { PlanDeps } from './plan-deps.js';
import { postOnce } from './post-once.js';
import { renderPlanMessage } from './render-plan.js';

function render(deps: PlanDeps, plan: Plan) {
  const kind = changeKindOf(deps.kinds, plan.kind);
  const access = deps.access(plan.environment);
  const twoPerson = access.twoPerson.includes(plan.action);
  return renderPlanMessage(plan, kind, twoPerson, access.roles?.[kind.approverRole ?? 'operator']);
}

/** Posts the plan (in the requester's thread if there is one) and remembers the message for later edits. */
export async function postPlanMessage(deps: PlanDeps, plan: Plan): Promise<Plan> {
  // Once, even if the plan job crashes between posting and recording: a second live Approve must not appear.
  const posted = await postOnce(deps, plan.id, 'messageTs', {
    channel: plan.channel,
    ...render(deps, plan),
    ...(plan.threadTs ? { threadTs: plan.threadTs } : {}),
  });
  return { ...plan, messageTs: posted.ts };
}

/**
 * Re-renders the plan message for its current status (buttons go away once decided). Paced through the
 * shared pacer, so "applying…" then "applied" a moment later stay within Slack's edit rate. Best effort.
 */
export async function refreshPlanMessage(
  deps: PlanDeps,
  planId: string,
  /** `strict`: a failed edit throws (so a job can retry it) instead of leaving stale buttons silently. */
  options: { strict?: boolean } = {},
): Promise<void> {
  const plan = await deps.plans.get(planId);
  if (!plan?.messageTs) return;
  const { text, blocks } = render(deps, plan);
  const target = { channel: plan.channel, ts: plan.messageTs };
  const edit = createProgressReporter(deps.chat, target, { pacer: deps.pacer, clock: deps.clock }).finish(
    text,
    blocks,
  );
  if (options.strict) await edit;
  else await edit.catch(() => {});
}

/** Where results about a plan go: the thread under the plan message. */
export function planThread(plan: Plan): string | undefined {
  return plan.threadTs ?? plan.messageTs;
}
