import { PauseStore } from '../../changes/rotation/pause-store.js';
import { slackTime } from '../../plans/render-plan.js';
import { untrusted } from '../../slack-text/untrusted.js';
import type { JobDeps } from '../job-deps.js';

/** Pauses in effect and scheduled reverts of an environment, one line each (for /ops status and App Home). */
export async function scheduledLines(deps: JobDeps, environment: string): Promise<string[]> {
  const now = deps.clock.now();
  const [pause, plans] = await Promise.all([
    new PauseStore(deps.redis, deps.prefix).get(environment),
    deps.plans.recent(100),
  ]);
  const lines: string[] = [];
  if (pause)
    lines.push(
      `Key rotation paused by <@${pause.requester}>${pause.reason ? ` (${untrusted(pause.reason)})` : ''}, resumes ${slackTime(pause.until)}`,
    );
  for (const plan of plans) {
    if (plan.environment !== environment || plan.status !== 'applied' || plan.revertedBy) continue;
    if (!plan.revertAt || plan.revertAt <= now || plan.id === pause?.planId) continue;
    lines.push(`${plan.summary}: reverts ${slackTime(plan.revertAt)} (plan \`${plan.id}\`)`);
  }
  return lines;
}
