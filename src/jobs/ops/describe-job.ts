import type { ChangeKindRegistry } from '../../plans/change-kind.js';
import type { PlanStore } from '../../plans/plan-store.js';
import { slackTime } from '../../plans/render-plan.js';
import type { JobSummary } from '../../queue/job-introspection.js';
import { code } from '../../slack-text/code.js';
import { oneLine } from '../../slack-text/escape-mrkdwn.js';

/** What a job is for, as `/ops jobs` says it: the command or the plan, never the queue's own id. */
export interface JobDescription {
  what: string;
  /** Replaces the state ("waiting for approval …") where the job's state alone would mislead. */
  state?: string;
}

interface Payload {
  request?: { command?: string; text?: string };
  planId?: string;
  decision?: string;
  action?: string;
  resumedBy?: string;
  kind?: string;
  step?: string;
  environment?: string;
  change?: unknown;
}

/** Housekeeping and scheduled work, by job name. */
const FIXED: Record<string, string> = {
  'plan.sweep': 'settle applies that ended unreported (every minute)',
  'ops.digest': 'status digest for the ops channel',
  'alerts.evaluate': 'scheduled alert checks',
  'alerts.action': 'an alert’s Acknowledge / Snooze',
  'home.publish': 'App Home refresh',
  'diagnose.fix': 'a `/diagnose` fix button, planning its change',
  'workshop.sample': 'workshop capacity sample',
};

/**
 * Says what a job does from its payload: a slash command as typed, a plan job by its plan's summary
 * ("scale `provisioners` to 8 — waiting for approval"), housekeeping by what it is for.
 */
export async function describeJob(
  job: JobSummary,
  deps: { plans: PlanStore; kinds: ChangeKindRegistry },
): Promise<JobDescription> {
  const p = (job.payload ?? {}) as Payload;
  if (p.request?.command) return { what: code(`${p.request.command} ${p.request.text ?? ''}`.trim()) };
  if (p.planId) {
    const plan = await deps.plans.get(p.planId).catch(() => undefined);
    const about = plan ? `${oneLine(plan.summary)} (plan \`${plan.id}\`)` : `plan \`${p.planId}\``;
    switch (job.name) {
      case 'plan.apply':
        return { what: `apply ${about}` };
      case 'plan.expire':
        return plan?.status === 'pending' && job.state === 'delayed'
          ? { what: about, state: `waiting for approval, expires ${slackTime(plan.expiresAt)}` }
          : { what: `expiry of ${about}` };
      case 'plan.revert':
        return { what: `${p.resumedBy ? 'early resume' : 'scheduled revert'} of ${about}` };
      case 'plan.decide':
        return { what: `${p.decision ?? 'decide'} ${about}` };
      case 'rotation.action':
        return { what: `${p.action === 'extend' ? 'Extend' : 'Resume now'} on ${about}` };
      case 'rotation.remind':
        return { what: `reminder before the end of ${about}` };
      default:
        return { what: `${code(job.name)} for ${about}` };
    }
  }
  if (job.name === 'plan.request') {
    const kind = p.kind ? deps.kinds.get(p.kind) : undefined;
    const change = kind?.change.safeParse(p.change);
    return { what: change?.success ? `plan ${oneLine(kind!.summary(change.data))}` : 'plan a change' };
  }
  if (job.name === 'workshop.step' && p.step) return { what: `workshop step: ${p.step}` };
  const fixed = FIXED[job.name];
  if (fixed) return { what: `${fixed}${p.environment ? ` in ${p.environment}` : ''}` };
  return { what: code(job.name) };
}
