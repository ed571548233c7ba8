import type { Plan } from '../../../src/plans/plan.js';
import { planIdFor } from '../../../src/plans/plan-id.js';
import { applyJobId } from '../../../src/plans/plan-job-names.js';
import { startChaosBot } from './chaos-sandbox.js';
import { type ChaosResult, emptyResult, jobIdOf, pause, percentile, waitUntil } from './kit.js';
import { Outcomes } from './outcomes.js';
import { between, mulberry32 } from './prng.js';

export interface Slack429Options {
  redisUrl: string;
  /** Where the worker role runs: its own process (default, as deployed) or beside the web role. */
  worker?: 'child' | 'in-process';
  /** DNS plans made and approved while Slack answers in bursts of 429. */
  plans?: number;
  /** Each burst: this many Slack Web API calls in a row answered 429 (`retry-after: 1`). */
  burst?: [number, number];
  /** At most this many bursts (default: until every plan is through). */
  bursts?: number;
  seed?: number;
  /** How long for every plan to be made, applied and reported. */
  timeoutMs?: number;
  progress?: (line: string) => void;
}

const FINAL = ['applied', 'failed', 'cancelled', 'expired'];

/**
 * Slack's Web API answers bursts of calls with 429 + `retry-after: 1` (plan posts, edits, results, ephemeral
 * answers alike) while plans are made, approved and applied. However long it takes, each plan message is
 * posted once and each applied plan's result lands in its thread once.
 */
export async function slack429(opts: Slack429Options): Promise<ChaosResult> {
  const result = emptyResult('slack-429');
  const rng = mulberry32(opts.seed ?? 429);
  const chaos = await startChaosBot(opts.redisUrl, 'slack429', { worker: opts.worker ?? 'child' });
  const { sandbox, web } = chaos;
  const { faults } = sandbox.sim;
  let storming = true;
  let bursts = 0;
  try {
    const { channelId } = sandbox.state.slack;
    const seen = new Outcomes(sandbox, channelId);
    const ackMs: number[] = [];
    // Role lookups are cached by the web role: warm them before the storm (they are not what is tested).
    for (const role of ['operator', 'operator2'])
      await chaos.slack.command(role, `/scale recommend ${role.length}`);
    await chaos.settle(15_000);
    const [low, high] = opts.burst ?? [3, 8];
    const storm = (async () => {
      for (let i = 0; storming && i < (opts.bursts ?? 1_000); i++) {
        faults.fail('slack', { status: 429, count: between(rng, low, high), retryAfter: 1 });
        bursts += 1;
        await pause(between(rng, 500, 2_500));
      }
    })();

    const n = opts.plans ?? 12;
    const timeout = opts.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeout;
    const plans = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const line = `/dns update s429-${i}.ai.coder.com A 192.0.2.${i + 1} --reason "429 ${i}"`;
        result.requests += 1;
        const ack = await chaos.slack.command('operator', line);
        ackMs.push(ack.ms);
        const jobId = jobIdOf(ack.text);
        if (!jobId) return { i, line, problem: `not queued: ${ack.text}` };
        const planId = planIdFor(jobId);
        const posted = await waitUntil(
          () => {
            seen.scan();
            return seen.planTs.has(planId);
          },
          deadline - Date.now(),
          100,
        );
        if (!posted) return { i, line, planId, problem: 'no plan message' };
        const message = sandbox.slack
          .messages()
          .find((m) => m.ts === seen.planTs.get(planId) && m.via === 'chat.postMessage')!;
        result.requests += 1;
        const pressed = await chaos.slack.press('operator2', message, 'plan.approve');
        ackMs.push(pressed.ms);
        let plan: Plan | undefined;
        await waitUntil(
          async () => {
            plan = await web.deps.plans.get(planId);
            seen.scan();
            if (seen.told.some((t) => t.includes(planId))) return true;
            if (plan === undefined || !FINAL.includes(plan.status)) return false;
            if (seen.resultsOf(planId).length > 0) return true;
            // Final, no result yet: worth waiting only while its apply job may still post one.
            const job = await web.deps.queue.jobs.get(applyJobId(planId));
            return job?.state === 'completed' || job?.state === 'failed';
          },
          deadline - Date.now(),
          200,
        );
        return { i, line, planId, plan };
      }),
    );
    storming = false;
    await storm;
    faults.reset();
    await chaos.settle(20_000, 500);
    seen.scan();

    result.expected = n;
    for (const p of plans) {
      const what = `${p.line} (plan ${'planId' in p ? p.planId : '?'})`;
      if (!('planId' in p) || !p.planId) {
        result.lost += 1;
        result.notes.push(`${what}: ${'problem' in p ? p.problem : ''}`);
        continue;
      }
      const posts = seen.plans.get(p.planId) ?? 0;
      const results = seen.resultsOf(p.planId);
      const status = 'plan' in p ? p.plan?.status : undefined;
      if (posts > 1 || results.length > 1) {
        result.doubled += 1;
        result.notes.push(`${what}: ${posts} plan messages, ${results.length} results`);
      } else if (posts === 0) {
        result.lost += 1;
        result.notes.push(`${what}: plan message never posted`);
      } else if (status === 'applied' || status === 'failed') {
        if (results.length === 1) result.observed += 1;
        else {
          result.lost += 1;
          result.notes.push(`${what}: ${status}, but no result message in its thread`);
        }
      } else if (seen.told.some((t) => t.includes(p.planId))) {
        result.observed += 1;
        result.notes.push(`${what}: approver told: ${seen.told.find((t) => t.includes(p.planId))}`);
      } else {
        result.stuck += 1;
        result.notes.push(`${what}: still ${status ?? 'unknown'}`);
      }
    }
    result.p99AckMs = percentile(ackMs, 0.99);
    result.extra = {
      bursts,
      applied: plans.filter((p) => 'plan' in p && p.plan?.status === 'applied').length,
    };
  } finally {
    storming = false;
    faults.reset();
    await chaos.close();
  }
  opts.progress?.(`slack-429: ${bursts} bursts of 429`);
  return result;
}
