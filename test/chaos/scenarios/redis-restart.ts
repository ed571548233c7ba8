import { requestJobId } from '../../../src/handlers/request-job-id.js';
import { planIdFor } from '../../../src/plans/plan-id.js';
import { startAofRedis } from '../../support/aof-redis.js';
import { startChaosBot } from './chaos-sandbox.js';
import {
  type AckKind,
  ackKind,
  type ChaosResult,
  emptyResult,
  jobIdOf,
  paced,
  pause,
  percentile,
  waitUntil,
} from './kit.js';
import { Outcomes } from './outcomes.js';

export interface RedisRestartOptions {
  /** Commands over the whole run (reads and plan-making), at `rate` per second. */
  commands?: number;
  rate?: number;
  /** Kill-and-restart cycles of redis-server, spread over the traffic. */
  restarts?: number;
  /** How long Redis stays down each time. */
  downMs?: number;
  settleMs?: number;
  progress?: (line: string) => void;
}

interface Sent {
  kind: AckKind;
  ms: number;
  status: number;
  plan: boolean;
  users?: number;
  jobId: string;
  text: string;
}

const LIVE = ['waiting', 'active', 'delayed', 'prioritized'];

/**
 * Its own redis-server (AOF, everysec), SIGKILLed mid-traffic and restarted on the same port, under the
 * web role and a worker process. Every request acknowledged as queued must complete or its requester
 * must be told it failed; one answered "unavailable, nothing was done" must never run.
 */
export async function redisRestart(opts: RedisRestartOptions = {}): Promise<ChaosResult> {
  const result = emptyResult('redis-restart');
  const redis = await startAofRedis();
  let chaos: Awaited<ReturnType<typeof startChaosBot>> | undefined;
  try {
    chaos = await startChaosBot(redis.url, 'restart', { lockMs: 5_000 });
    const { sandbox } = chaos;
    const bot = chaos;
    const { channelId, users } = sandbox.state.slack;
    const seen = new Outcomes(sandbox, channelId);
    const sent: Sent[] = [];
    const n = opts.commands ?? 400;
    const rate = opts.rate ?? 40;
    const restarts = opts.restarts ?? 2;
    const traffic = paced(n, rate, 64, async (i) => {
      const plan = i % 4 === 3;
      const [command, text] = plan ? ['/ops', `notice restart ${i}`] : ['/scale', `recommend ${i + 1}`];
      const fields = sandbox.sim.slack.newSlashCommand({ command, text, userId: users.operator!, channelId });
      result.requests += 1;
      try {
        const ack = await bot.slack.command('operator', `${command} ${text}`, { fields });
        sent.push({
          kind: ackKind(ack.status, ack.text),
          ms: ack.ms,
          status: ack.status,
          plan,
          jobId: jobIdOf(ack.text) ?? requestJobId('cmd', fields.trigger_id!),
          text: ack.text,
          ...(plan ? {} : { users: i + 1 }),
        });
      } catch (err) {
        sent.push({ kind: 'none', ms: Number.NaN, status: 0, plan, jobId: '', text: String(err) });
      }
    });
    const chaosLoop = (async () => {
      const span = (n / rate) * 1000;
      for (let k = 0; k < restarts; k++) {
        await pause(span / (restarts + 1) - (opts.downMs ?? 1_500) / 2);
        await redis.kill();
        opts.progress?.(
          `redis-restart: redis-server killed (${k + 1}/${restarts}) after ${sent.length} acks`,
        );
        await pause(opts.downMs ?? 1_500);
        await redis.restart();
        result.extra.restarts = (result.extra.restarts ?? 0) + 1;
      }
    })();
    await Promise.all([traffic, chaosLoop]);

    const outcome = (s: Sent) =>
      (s.plan ? seen.plans.get(planIdFor(s.jobId)) : seen.reads.get(`users:${s.users}`)) ?? 0;
    const jobState = async (s: Sent) =>
      (await bot.web.deps.queue.jobs.get(s.jobId).catch(() => undefined))?.state;
    await waitUntil(
      async () => {
        seen.scan();
        for (const s of sent)
          if (s.kind === 'queued' && outcome(s) === 0 && (await jobState(s)) !== 'failed') return false;
        return true;
      },
      opts.settleMs ?? 60_000,
      250,
    );
    await bot.settle(15_000, 500);
    seen.scan();

    const count: Record<string, number> = {};
    for (const s of sent) {
      count[s.kind] = (count[s.kind] ?? 0) + 1;
      const ran = outcome(s);
      const what = `${s.plan ? `plan ${planIdFor(s.jobId)}` : `recommend ${s.users}`} (ack ${s.kind})`;
      if (ran > 1) {
        result.doubled += 1;
        result.notes.push(`${what}: answered ${ran} times`);
      } else if (s.kind === 'queued' || s.kind === 'duplicate') {
        const state = ran ? 'done' : await jobState(s);
        if (ran === 1) result.observed += 1;
        else if (state === 'failed') {
          result.observed += 1;
          result.extra.toldFailed = (result.extra.toldFailed ?? 0) + 1;
        } else if (state && LIVE.includes(state)) {
          result.stuck += 1;
          result.notes.push(`${what}: job ${s.jobId} still ${state}`);
        } else {
          result.lost += 1;
          result.notes.push(
            `${what}: acked "${s.text.slice(0, 60)}", job ${s.jobId} ${state ?? 'gone'}, no answer`,
          );
        }
      } else if (s.kind === 'maybe') {
        result.observed += 1;
        if (ran) result.extra.maybeRan = (result.extra.maybeRan ?? 0) + 1;
      } else if (ran) {
        result.extra.untruthful = (result.extra.untruthful ?? 0) + 1;
        result.notes.push(`${what}: ran although the ack said: ${s.text.slice(0, 100)}`);
      } else result.observed += 1;
    }
    result.expected = sent.length;
    result.p99AckMs = percentile(
      sent.filter((s) => Number.isFinite(s.ms)).map((s) => s.ms),
      0.99,
    );
    result.extra = {
      queued: count.queued ?? 0,
      down: count.down ?? 0,
      maybe: count.maybe ?? 0,
      ...(count.none ? { noAck: count.none } : {}),
      ...result.extra,
    };
  } finally {
    await Promise.race([chaos?.close(), pause(20_000)]);
    await redis.stop();
  }
  return result;
}
