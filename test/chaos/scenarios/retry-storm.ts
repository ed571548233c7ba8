import { requestJobId } from '../../../src/handlers/request-job-id.js';
import { planIdFor } from '../../../src/plans/plan-id.js';
import { postSlashCommand } from '../../../src/sandbox/slack/send-to-bot.js';
import { type ChaosBot, startChaosBot } from './chaos-sandbox.js';
import {
  type AckKind,
  ackKind,
  type ChaosResult,
  emptyResult,
  jobIdOf,
  paced,
  percentile,
  waitUntil,
} from './kit.js';
import { Outcomes } from './outcomes.js';
import { between, mulberry32, pick } from './prng.js';

export interface RetryStormOptions {
  redisUrl: string;
  /** Where the worker role runs: its own process (default, as deployed) or beside the web role. */
  worker?: 'child' | 'in-process';
  /** Distinct slash commands (each should make exactly one job and one answer or plan). */
  commands?: number;
  /** Share of commands Slack delivers again with `X-Slack-Retry-Num`. */
  retryShare?: number;
  /** First deliveries per second. */
  rate?: number;
  /** Share of commands that make a plan (default 0.3); the rest are reads. */
  planShare?: number;
  /** Which reads: capacity (`/scale recommend`, reads the clusters), job lookups (Redis only), or both. */
  reads?: ReadMix;
  /** The latest a retry comes after its first delivery (Slack: at once, ~1 min, ~5 min; compressed). */
  lateRetryMaxMs?: number;
  seed?: number;
  /** How long to wait for every outcome once the storm is over. */
  settleMs?: number;
  progress?: (line: string) => void;
}

interface Command {
  i: number;
  role: string;
  command: string;
  text: string;
  /** Reads by their answer's key (see Outcomes.reads); plans by the plan id of the job. */
  expect: { read: string } | { plan: true };
  acks: { kind: AckKind; jobId?: string; ms: number }[];
  /** Slack's trigger_id of the first delivery (retries repeat it): the bot's job id derives from it. */
  triggerId: string;
}

type ReadMix = 'capacity' | 'lookups' | 'mixed';

const OPERATORS = ['operator', 'operator2', 'admin'];

/**
 * Reads (each a distinct `/scale recommend N`) and, for `planShare` of the commands, plan-making ones
 * (scale, DNS, rotation pause, notice in turn), each line distinct.
 */
function makeCommand(
  i: number,
  rng: () => number,
  planShare: number,
  reads: ReadMix,
): Omit<Command, 'acks' | 'triggerId'> {
  const reason = `--reason "storm ${i}"`;
  if ((i % 20) / 20 >= planShare) {
    const role = pick(rng, ['viewer', ...OPERATORS]);
    // A capacity read (live replicas from three clusters) or a job lookup (one Redis read).
    if (reads === 'lookups' || (reads === 'mixed' && i % 2 === 1))
      return { i, role, command: '/ops', text: `job storm-${i}`, expect: { read: `job:storm-${i}` } };
    const users = (i % 10_000) + 1;
    return { i, role, command: '/scale', text: `recommend ${users}`, expect: { read: `users:${users}` } };
  }
  const role = pick(rng, OPERATORS);
  const plan = { plan: true } as const;
  switch (i % 4) {
    case 0:
      return {
        i,
        role,
        command: '/scale',
        text: `provisioners:demo ${between(rng, 3, 5)} ${reason}`,
        expect: plan,
      };
    case 1: {
      const text = `update storm-${i}.ai.coder.com A 192.0.2.${(i % 250) + 1} ${reason}`;
      return { i, role, command: '/dns', text, expect: plan };
    }
    case 2:
      return { i, role, command: '/rotation', text: `pause --for 2h ${reason}`, expect: plan };
    default:
      return { i, role, command: '/ops', text: `notice storm ${i}`, expect: plan };
  }
}

/**
 * N distinct signed slash commands at a fixed rate, 30 % of them delivered again as Slack does on a
 * timeout (same body and trigger_id, `X-Slack-Retry-Num`): some at the same moment as the first
 * delivery, some just after its ack, some seconds later. Every command must make exactly one job and
 * exactly one answer (reads) or plan (changes).
 */
export async function retryStorm(opts: RetryStormOptions): Promise<ChaosResult> {
  const n = opts.commands ?? 2_000;
  const rng = mulberry32(opts.seed ?? 1);
  const result = emptyResult('retry-storm');
  const chaos = await startChaosBot(opts.redisUrl, 'storm', { worker: opts.worker ?? 'child' });
  try {
    await runStorm(chaos, n, rng, opts, result);
  } finally {
    await chaos.close();
  }
  return result;
}

async function runStorm(
  chaos: ChaosBot,
  n: number,
  rng: () => number,
  opts: RetryStormOptions,
  result: ChaosResult,
): Promise<void> {
  const { sandbox } = chaos;
  const { signingSecret, channelId, users } = sandbox.state.slack;
  const eventsUrl = `http://127.0.0.1:${chaos.web.port()}/slack/events`;
  const commands: Command[] = Array.from({ length: n }, (_, i) => ({
    ...makeCommand(i, rng, opts.planShare ?? 0.3, opts.reads ?? 'mixed'),
    acks: [],
    triggerId: '',
  }));
  const ackMs: number[] = [];
  const late: Promise<void>[] = [];
  const lateMax = opts.lateRetryMaxMs ?? 5_000;

  const deliver = async (c: Command, fields: Record<string, string>, retryNum?: number) => {
    result.requests += 1;
    try {
      const reply = await postSlashCommand(eventsUrl, signingSecret, fields, {
        ...(retryNum !== undefined ? { retryNum } : {}),
      });
      const text = ackText(reply.body);
      const jobId = jobIdOf(text);
      c.acks.push({ kind: ackKind(reply.status, text), ms: reply.ms, ...(jobId ? { jobId } : {}) });
      ackMs.push(reply.ms);
    } catch (err) {
      c.acks.push({ kind: 'none', ms: Number.NaN });
      result.notes.push(`#${c.i} ${c.command} ${c.text}: delivery failed: ${(err as Error).message}`);
    }
  };

  const started = Date.now();
  await paced(n, opts.rate ?? 200, 128, async (i) => {
    const c = commands[i]!;
    const fields = sandbox.sim.slack.newSlashCommand({
      command: c.command,
      text: c.text,
      userId: users[c.role]!,
      channelId,
    });
    c.triggerId = fields.trigger_id!;
    if (rng() >= (opts.retryShare ?? 0.3)) return deliver(c, fields);
    const mode = between(rng, 0, 2);
    if (mode === 0) {
      // Slack gave up waiting while the first delivery is still in flight: both arrive together.
      await Promise.all([deliver(c, fields), deliver(c, fields, 1)]);
      return;
    }
    await deliver(c, fields);
    const delay = mode === 1 ? between(rng, 0, 1_000) : between(rng, 1_000, lateMax);
    const again = between(rng, 1, 2);
    late.push(
      (async () => {
        await new Promise((r) => setTimeout(r, delay));
        for (let retryNum = 1; retryNum <= again; retryNum++) await deliver(c, fields, retryNum);
      })(),
    );
  });
  await Promise.all(late);
  opts.progress?.(`retry-storm: ${result.requests} requests sent in ${Date.now() - started} ms`);

  // Tally what Slack shows, until every command has its outcome (bounded).
  const seen = new Outcomes(sandbox, channelId);
  const scan = () => seen.scan();
  const outcomes = (c: Command): number => {
    if ('read' in c.expect) return seen.reads.get(c.expect.read) ?? 0;
    const jobId = c.acks.find((a) => a.jobId)?.jobId ?? requestJobId('cmd', c.triggerId);
    return seen.plans.get(planIdFor(jobId)) ?? 0;
  };
  const settleMs = opts.settleMs ?? 60_000 + n * 30;
  await waitUntil(
    () => {
      scan();
      return commands.every((c) => !c.acks.some((a) => a.jobId) || outcomes(c) >= 1);
    },
    settleMs,
    100,
  );
  // Then until the queue is idle and Slack quiet, so a late duplicate would still be seen.
  await chaos.settle(Math.max(10_000, settleMs / 4), 300);
  scan();

  const { queue } = chaos.web.deps;
  let told = 0;
  for (const c of commands) {
    const ids = new Set(c.acks.map((a) => a.jobId).filter((id): id is string => id !== undefined));
    const created = c.acks.filter((a) => a.kind === 'queued').length;
    const what = `#${c.i} ${c.command} ${c.text}`;
    if (ids.size > 1 || created > 1) {
      result.doubled += 1;
      result.notes.push(`${what}: ${created} acks said queued, job ids ${[...ids].join(', ')}`);
      continue;
    }
    const [jobId] = [...ids];
    const count = outcomes(c);
    if (!jobId) {
      // No ack named a job: only "may have been queued" (enqueue slower than the ack budget) allows that.
      if (c.acks.every((a) => a.kind === 'maybe') && count <= 1) {
        result.observed += 1;
        result.extra.maybe = (result.extra.maybe ?? 0) + 1;
      } else if (count > 1) {
        result.doubled += 1;
        result.notes.push(
          `${what}: ${count} answers/plans after acks ${c.acks.map((a) => a.kind).join(', ')}`,
        );
      } else {
        told += 1;
        result.notes.push(`${what}: not queued; acks: ${c.acks.map((a) => a.kind).join(', ')}`);
      }
      continue;
    }
    if (count === 1) {
      result.observed += 1;
      continue;
    }
    if (count > 1) {
      result.doubled += 1;
      result.notes.push(`${what}: ${count} answers/plan messages for job ${jobId}`);
      continue;
    }
    const job = await queue.jobs.get(jobId);
    if (job && ['waiting', 'active', 'delayed', 'prioritized'].includes(job.state)) {
      result.stuck += 1;
      result.notes.push(`${what}: job ${jobId} still ${job.state}`);
    } else if (job?.state === 'failed') {
      // The job failed and said so (reportJobFailure / "Could not plan that"): told, not lost.
      told += 1;
      result.notes.push(`${what}: job ${jobId} ${job?.state ?? 'gone'}: ${job?.failedReason ?? ''}`);
    } else {
      result.lost += 1;
      result.notes.push(`${what}: acked as job ${jobId}, job ${job?.state ?? 'gone'}, no answer or plan`);
    }
  }
  // Answers and plans nobody asked for (a second job for one command would make one under another id).
  const askedReads = new Set(commands.flatMap((c) => ('read' in c.expect ? [c.expect.read] : [])));
  const askedPlans = new Set(
    commands.map((c) => planIdFor(c.acks.find((a) => a.jobId)?.jobId ?? requestJobId('cmd', c.triggerId))),
  );
  for (const [read, count] of seen.reads)
    if (!askedReads.has(read)) {
      result.doubled += count;
      result.notes.push(`an answer (${read}) nobody asked for`);
    }
  for (const [planId] of seen.plans)
    if (!askedPlans.has(planId)) {
      result.doubled += 1;
      result.notes.push(`plan ${planId} made by no acknowledged command`);
    }
  const stored = await chaos.web.deps.redis.zcard(`${chaos.prefix}:plans`);
  const planCommands = commands.filter((c) => 'plan' in c.expect).length;
  if (stored > planCommands) {
    result.doubled += stored - planCommands;
    result.notes.push(`${stored} plans stored for ${planCommands} plan-making commands`);
  }
  result.expected = n;
  result.p99AckMs = percentile(ackMs, 0.99);
  result.extra = {
    retries: result.requests - n,
    couldNotPlan: seen.told.length,
    told,
    slowAcks: ackMs.filter((ms) => ms > 2_500).length,
    plans: stored,
  };
}

function ackText(body: string): string {
  try {
    return (JSON.parse(body) as { text?: string }).text ?? body;
  } catch {
    return body;
  }
}
