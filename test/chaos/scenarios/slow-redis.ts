import { requestJobId } from '../../../src/handlers/request-job-id.js';
import { planIdFor } from '../../../src/plans/plan-id.js';
import { startDelayProxy } from '../../support/delay-proxy.js';
import { startChaosBot } from './chaos-sandbox.js';
import {
  type AckKind,
  ackKind,
  type ChaosResult,
  emptyResult,
  jobIdOf,
  percentile,
  waitUntil,
} from './kit.js';
import { Outcomes } from './outcomes.js';

export interface SlowRedisOptions {
  redisUrl: string;
  /** Where the worker role runs: its own process (default, as deployed) or beside the web role. */
  worker?: 'child' | 'in-process';
  /** Per phase: the proxy's delay per chunk and direction (a Redis round trip costs twice that). */
  delaysMs?: number[];
  /** Commands per phase, sent a few at a time. */
  perPhase?: number;
  /** How long to wait for what was queued (or may have been) to run once Redis is fast again. */
  settleMs?: number;
}

interface Sent {
  kind: AckKind;
  ms: number;
  status: number;
  users?: number;
  plan: boolean;
  jobId: string;
  text: string;
}

const ACK_LIMIT_MS = 3_000;

/**
 * The web role reaches Redis through a TCP proxy that delays every chunk; the worker role talks to Redis
 * directly. Whatever the delay, each ack must come within Slack's 3 s and tell the truth: "Queued" runs,
 * "may have been queued" may run, "unavailable, nothing was done" never runs.
 */
export async function slowRedis(opts: SlowRedisOptions): Promise<ChaosResult> {
  const result = emptyResult('slow-redis');
  const proxy = await startDelayProxy(opts.redisUrl, 0);
  const chaos = await startChaosBot(opts.redisUrl, 'slow', {
    webEnv: { REDIS_URL: proxy.url },
    worker: opts.worker ?? 'child',
  });
  try {
    const { sandbox } = chaos;
    const { channelId, users } = sandbox.state.slack;
    const seen = new Outcomes(sandbox, channelId);
    const sent: Sent[] = [];
    let serial = 0;
    // Warm: connections made while Redis is fast (a cold start through the delay is covered by "down").
    await chaos.slack.command('viewer', '/scale recommend 9999');
    for (const delay of opts.delaysMs ?? [0, 150, 400, 1_250]) {
      proxy.setDelay(delay);
      const n = opts.perPhase ?? 12;
      for (let batch = 0; batch < n; batch += 4)
        await Promise.all(
          Array.from({ length: Math.min(4, n - batch) }, async () => {
            const i = ++serial;
            const plan = i % 3 === 0;
            const [command, text] = plan ? ['/ops', `notice slow ${i}`] : ['/scale', `recommend ${i}`];
            const fields = sandbox.sim.slack.newSlashCommand({
              command,
              text,
              userId: users.operator!,
              channelId,
            });
            result.requests += 1;
            const ack = await chaos.slack.command('operator', `${command} ${text}`, { fields });
            sent.push({
              kind: ackKind(ack.status, ack.text),
              ms: ack.ms,
              status: ack.status,
              plan,
              jobId: jobIdOf(ack.text) ?? requestJobId('cmd', fields.trigger_id!),
              text: ack.text,
              ...(plan ? {} : { users: i }),
            });
          }),
        );
    }
    proxy.setDelay(0);
    const outcome = (s: Sent) =>
      (s.plan ? seen.plans.get(planIdFor(s.jobId)) : seen.reads.get(`users:${s.users}`)) ?? 0;
    // Everything that was (or may have been) queued has landed and run once Redis is fast again.
    await waitUntil(
      () => {
        seen.scan();
        return sent.every((s) => s.kind !== 'queued' || outcome(s) >= 1);
      },
      opts.settleMs ?? 30_000,
      100,
    );
    await chaos.settle(15_000, 500);
    seen.scan();

    const count: Record<string, number> = {};
    for (const s of sent) {
      count[s.kind] = (count[s.kind] ?? 0) + 1;
      const ran = outcome(s);
      const what = `${s.plan ? 'plan' : `recommend ${s.users}`} (ack ${s.kind} in ${Math.round(s.ms)} ms)`;
      if (s.status !== 200 || s.ms >= ACK_LIMIT_MS) {
        result.extra.lateAcks = (result.extra.lateAcks ?? 0) + 1;
        result.notes.push(`${what}: HTTP ${s.status} after ${Math.round(s.ms)} ms`);
      }
      if (ran > 1) {
        result.doubled += 1;
        result.notes.push(`${what}: ran ${ran} times`);
      } else if (s.kind === 'queued' || s.kind === 'duplicate') {
        if (ran === 1) result.observed += 1;
        else {
          result.lost += 1;
          result.notes.push(`${what}: said queued, never ran`);
        }
      } else if (s.kind === 'maybe') {
        result.observed += 1;
        if (ran) result.extra.maybeRan = (result.extra.maybeRan ?? 0) + 1;
      } else if (ran) {
        // "Nothing was done" (or no usable ack at all), yet it ran.
        result.extra.untruthful = (result.extra.untruthful ?? 0) + 1;
        result.notes.push(`${what}: ran although the ack said: ${s.text.slice(0, 100)}`);
      } else result.observed += 1;
    }
    result.expected = sent.length;
    result.p99AckMs = percentile(
      sent.map((s) => s.ms),
      0.99,
    );
    result.extra = {
      queued: count.queued ?? 0,
      maybe: count.maybe ?? 0,
      down: count.down ?? 0,
      ...result.extra,
      lateAcks: result.extra.lateAcks ?? 0,
    };
  } finally {
    await chaos.close();
    await proxy.close();
  }
  return result;
}
