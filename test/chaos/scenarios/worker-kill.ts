import type { Plan } from '../../../src/plans/plan.js';
import { planIdFor } from '../../../src/plans/plan-id.js';
import { applyJobId } from '../../../src/plans/plan-job-names.js';
import { SWEEP_GRACE_MS, sweepPlans } from '../../../src/plans/sweep-plans.js';
import { countRequests, type RequestCounter } from '../../support/request-counter.js';
import { type ChaosBot, startChaosBot } from './chaos-sandbox.js';
import { type ChaosResult, emptyResult, jobIdOf, pause, percentile, waitUntil } from './kit.js';
import { Outcomes } from './outcomes.js';
import { between, mulberry32, type Rng } from './prng.js';

export interface WorkerKillOptions {
  redisUrl: string;
  /** SIGKILLs of the worker process (each followed by a fresh worker). */
  kills?: number;
  seed?: number;
  /** BullMQ job lock of the worker: how soon a killed worker's jobs are taken up again. */
  lockMs?: number;
  /** Per plan: how long from the command to a final status before it counts as stuck. */
  planTimeoutMs?: number;
  progress?: (line: string) => void;
}

type Lane =
  | {
      kind: 'scale';
      target: string;
      cluster: string;
      namespace: string;
      name: string;
      values: [number, number];
    }
  | { kind: 'dns'; name: string; values: [string, string] }
  | { kind: 'rotation' };

/** Independent resources, so a plan on one never conflicts with another lane's. */
const LANES: Lane[] = [
  {
    kind: 'scale',
    target: 'provisioners:demo',
    cluster: 'us-east-2',
    namespace: 'coder',
    name: 'coder-provisioner-demo',
    values: [3, 2],
  },
  {
    kind: 'scale',
    target: 'provisioners:experimental',
    cluster: 'us-east-2',
    namespace: 'coder',
    name: 'coder-provisioner-experimental',
    values: [3, 2],
  },
  {
    kind: 'scale',
    target: 'proxy:us-west-2',
    cluster: 'us-west-2',
    namespace: 'coder',
    name: 'coder',
    values: [3, 2],
  },
  {
    kind: 'scale',
    target: 'proxy:eu-west-2',
    cluster: 'eu-west-2',
    namespace: 'coder',
    name: 'coder',
    values: [3, 2],
  },
  { kind: 'dns', name: 'kill-a.ai.coder.com', values: ['192.0.2.10', '192.0.2.11'] },
  { kind: 'dns', name: 'kill-b.ai.coder.com', values: ['192.0.2.20', '192.0.2.21'] },
  { kind: 'rotation' },
];

interface Attempt {
  lane: Lane;
  line: string;
  /** `kill N`: the plan's reason, which its summary (and any refusal) repeats. */
  tag: string;
  planId?: string;
  /** What applying it writes: the cluster (scale, rotation) or 'cloudflare' (DNS). */
  api: string;
  /** The value it sets, to compare with what is live at the end. */
  value: string | number;
  final?: Plan;
  /** The lane's live value when the plan reached its final status. */
  liveAtEnd?: string | number | undefined;
  /** The requester or approver was told it could not be made or approved (the failure names it). */
  told?: string;
  /** Its change reached the simulated API (applied, or failed after writing). */
  wrote?: boolean;
  problem?: string;
}

const FINAL = ['applied', 'failed', 'cancelled', 'expired'];
const LIVE = ['waiting', 'active', 'delayed', 'prioritized'];

/**
 * The worker role in its own process, SIGKILLed at random moments (most while a plan is applying) and
 * restarted, while lanes of scale, DNS and rotation plans are made, approved and applied back to back.
 * Afterwards: every plan applied once (exactly one write reached the simulated API per applied plan, and
 * the live value is the last applied one) or failed with a reason said in its thread; none left applying.
 */
export async function workerKill(opts: WorkerKillOptions): Promise<ChaosResult> {
  const result = emptyResult('worker-kill');
  const chaos = await startChaosBot(opts.redisUrl, 'kill', { lockMs: opts.lockMs ?? 3_000 });
  const counter = countRequests(chaos.sandbox.sim.faults);
  try {
    await run(chaos, counter, opts, result);
  } finally {
    counter.stop();
    await chaos.close();
  }
  return result;
}

async function run(chaos: ChaosBot, counter: RequestCounter, opts: WorkerKillOptions, result: ChaosResult) {
  const { sandbox, web } = chaos;
  const rng = mulberry32(opts.seed ?? 7);
  const seen = new Outcomes(sandbox, sandbox.state.slack.channelId);
  const attempts: Attempt[] = [];
  const ackMs: number[] = [];
  const planTimeout = opts.planTimeoutMs ?? 30_000;
  // An apply may wait out a crashed run's resource lock (30 s) before its retry: give it that and more.
  const applyTimeout = planTimeout + 45_000;
  let stopping = false;
  let serial = 0;

  const command = async (role: string, line: string) => {
    result.requests += 1;
    const ack = await chaos.slack.command(role, line);
    ackMs.push(ack.ms);
    return ack;
  };
  /** The plan's message, or undefined once the requester was told it could not be made. */
  const planMessage = async (planId: string, jobId: string, tag: string) => {
    const found = await waitUntil(() => {
      seen.scan();
      return seen.planTs.has(planId) || seen.told.some((t) => t.includes(jobId) || t.includes(`${tag})`));
    }, planTimeout);
    if (!found) return undefined;
    const ts = seen.planTs.get(planId);
    return sandbox.slack.messages().find((m) => m.ts === ts && m.via === 'chat.postMessage');
  };
  /** The plan's final status, or where it stands once the presser was told the click failed. */
  const finalOf = async (planId: string, timeoutMs: number) => {
    let plan: Plan | undefined;
    await waitUntil(
      async () => {
        plan = await web.deps.plans.get(planId).catch(() => undefined);
        seen.scan();
        if ((plan !== undefined && FINAL.includes(plan.status)) || seen.told.some((t) => t.includes(planId)))
          return true;
        // Approved or applying, yet its apply job is over: nothing will move it any more.
        if (plan?.status !== 'approved' && plan?.status !== 'applying') return false;
        const job = await web.deps.queue.jobs.get(applyJobId(planId)).catch(() => undefined);
        return job?.state === 'failed' || job?.state === 'completed';
      },
      timeoutMs,
      100,
    );
    return plan;
  };

  /** Command → plan message → Approve by a second operator → final status. */
  const planAndApply = async (a: Attempt): Promise<void> => {
    attempts.push(a);
    const ack = await command('operator', a.line);
    const jobId = jobIdOf(ack.text);
    if (!jobId) {
      a.problem = `not queued: ${ack.status} ${ack.text}`;
      return;
    }
    a.planId = planIdFor(jobId);
    const message = await planMessage(a.planId, jobId, a.tag);
    if (!message) {
      a.final = await web.deps.plans.get(a.planId);
      a.told = seen.told.find((t) => t.includes(jobId) || t.includes(`${a.tag})`));
      if (!a.told) a.problem = `no plan message within ${planTimeout} ms`;
      return;
    }
    result.requests += 1;
    const pressed = await chaos.slack.press('operator2', message, 'plan.approve');
    ackMs.push(pressed.ms);
    a.final = await finalOf(a.planId, applyTimeout);
    a.liveAtEnd = liveValue(chaos, a.lane);
    const planId = a.planId;
    if (!FINAL.includes(a.final?.status ?? '')) a.told = seen.told.find((t) => t.includes(planId));
  };

  const laneLoop = async (lane: Lane) => {
    for (let round = 0; !stopping && round < 200; round++) {
      // A plan of this lane still on its way (or stuck) would make the next one's before/after ambiguous.
      const previous = attempts.filter((a) => a.lane === lane).at(-1);
      if (previous?.planId && !previous.told && !FINAL.includes(previous.final?.status ?? 'none')) break;
      const tag = `kill ${++serial}`;
      const reason = `--reason "${tag}"`;
      // Whatever is live now, the other value: every plan changes something.
      const live = String(liveValue(chaos, lane));
      if (lane.kind === 'scale') {
        const value = live === String(lane.values[0]) ? lane.values[1] : lane.values[0];
        const line = `/scale ${lane.target} ${value} ${reason}`;
        await planAndApply({ lane, tag, line, api: `kube:${lane.cluster}`, value });
      } else if (lane.kind === 'dns') {
        const value = live === lane.values[0] ? lane.values[1] : lane.values[0];
        const line = `/dns update ${lane.name} A ${value} ${reason}`;
        await planAndApply({ lane, tag, line, api: 'cloudflare', value });
      } else if (live === '0') {
        // Left paused by an earlier round that did not finish: resume (planned, if no opsbot pause is on record).
        await resume({ lane, tag, line: '/rotation resume', api: 'kube:us-east-2', value: 1 });
      } else {
        const line = `/rotation pause --for 1h ${reason}`;
        const pauseAttempt: Attempt = { lane, tag, line, api: 'kube:us-east-2', value: 0 };
        await planAndApply(pauseAttempt);
        // Resume now: the pause's scheduled revert runs at once, as a pre-approved plan.
        if (pauseAttempt.final?.status === 'applied')
          await resume({ lane, tag, line: '/rotation resume', api: 'kube:us-east-2', value: 1 });
      }
    }
  };

  /**
   * `/rotation resume`: ends an opsbot pause at once (its revert, pre-approved) or plans a resume, which
   * is approved here. Tracks whichever plan it makes.
   */
  const resume = async (a: Attempt) => {
    attempts.push(a);
    const since = sandbox.sim.clock.now() - 1_000;
    await command('operator', a.line);
    const isResume = (p: Plan) =>
      p.kind === 'rotation.pause' &&
      p.createdAt >= since &&
      (p.change as { paused?: boolean }).paused === false;
    let plan: Plan | undefined;
    await waitUntil(
      async () => {
        plan = (await web.deps.plans.recent(50).catch(() => [])).find(isResume);
        return plan !== undefined && (FINAL.includes(plan.status) || plan.status === 'pending');
      },
      planTimeout,
      200,
    );
    if (!plan) {
      a.problem = `no resume plan within ${planTimeout} ms`;
      return;
    }
    a.planId = plan.id;
    if (plan.status === 'pending') {
      const message = await planMessage(plan.id, plan.id, a.tag);
      if (message) {
        result.requests += 1;
        ackMs.push((await chaos.slack.press('operator2', message, 'plan.approve')).ms);
      }
    }
    a.final = await finalOf(plan.id, applyTimeout);
    a.liveAtEnd = liveValue(chaos, lane(a));
  };

  const killer = async (kills: number, random: Rng) => {
    for (let k = 0; k < kills; k++) {
      // Mostly while some plan is applying; otherwise at a random moment (plan-making, approving, posting).
      if (random() < 0.75)
        await waitUntil(
          async () => (await web.deps.plans.recent(30).catch(() => [])).some((p) => p.status === 'applying'),
          5_000,
          20,
        );
      await pause(between(random, 0, random() < 0.5 ? 150 : 1_500));
      await chaos.killWorker();
      result.extra.kills = (result.extra.kills ?? 0) + 1;
      await chaos.startWorker();
      opts.progress?.(`worker-kill: kill ${k + 1}/${kills}, ${attempts.length} plans so far`);
      // Sometimes the next kill comes before the last one's jobs are recovered, sometimes well after.
      await pause(between(random, 300, 2_500));
    }
  };

  result.extra.kills = 0;
  const lanes = LANES.map((lane) => laneLoop(lane));
  await killer(opts.kills ?? 20, rng);
  stopping = true;
  await Promise.all(lanes);
  // Applies still due (a retry waiting out a crashed run's resource lock) get their time, bounded.
  await waitUntil(
    async () => {
      for (const a of attempts) {
        if (!a.planId || !['approved', 'applying'].includes(a.final?.status ?? '')) continue;
        a.final = await web.deps.plans.get(a.planId);
        const job = await web.deps.queue.jobs.get(applyJobId(a.planId));
        if (['approved', 'applying'].includes(a.final?.status ?? '') && job && LIVE.includes(job.state))
          return false;
      }
      return true;
    },
    40_000,
    500,
  );
  await chaos.settle(30_000, 500);
  // What the minute's plan sweep does in production (applies whose job was given up while the worker was
  // down: settled, or announced if they were recorded applied), run once now that its grace has passed.
  chaos.sandbox.sim.clock.advance(SWEEP_GRACE_MS + 1_000);
  const swept = await sweepPlans(web.deps);
  result.extra.swept = swept.length;
  await chaos.settle(30_000, 500);
  for (const a of attempts)
    if (a.planId && swept.includes(a.planId)) a.final = await web.deps.plans.get(a.planId);
  for (const a of attempts)
    if (a.planId && ['approved', 'applying'].includes(a.final?.status ?? '')) {
      const job = await web.deps.queue.jobs.get(applyJobId(a.planId));
      a.problem = `its apply job is ${job ? `${job.state}${job.failedReason ? ` (${job.failedReason})` : ''}` : 'gone'}`;
    }
  seen.scan();
  check(chaos, counter, attempts, seen, result);
  // Anything else still mid-way in the store, whoever made it.
  const counted = new Set(attempts.map((a) => a.planId));
  for (const plan of await web.deps.plans.recent(1_000))
    if (!counted.has(plan.id) && (plan.status === 'applying' || plan.status === 'approved')) {
      result.stuck += 1;
      result.notes.push(`plan ${plan.id} (${plan.summary}) left ${plan.status}`);
    }
  result.p99AckMs = percentile(ackMs, 0.99);
}

function check(
  chaos: ChaosBot,
  counter: RequestCounter,
  attempts: Attempt[],
  seen: Outcomes,
  result: ChaosResult,
) {
  result.expected = attempts.length;
  const appliedOn = new Map<string, number>();
  for (const a of attempts) {
    const what = `${a.line} (plan ${a.planId ?? '?'})`;
    const status = a.final?.status;
    const results = a.planId ? seen.resultsOf(a.planId) : [];
    if (status === 'applied') {
      appliedOn.set(a.api, (appliedOn.get(a.api) ?? 0) + 1);
      a.wrote = true;
      const said = results.length;
      if (said === 1) result.observed += 1;
      else if (said === 0) {
        result.lost += 1;
        result.notes.push(`${what}: applied, but no result message in its thread`);
      } else {
        result.doubled += 1;
        result.notes.push(
          `${what}: ${said} result messages: ${results.map((m) => m.text.slice(0, 60)).join(' | ')}`,
        );
      }
    } else if (status === 'failed' || status === 'cancelled' || status === 'expired') {
      const reason = a.final?.error ?? results[0]?.text;
      // A plan is only made when live differs from its value (else "Nothing to change"), so live == value means applied.
      if (status === 'failed' && String(a.liveAtEnd) === String(a.value)) {
        // Told "was not applied", yet the change is live: whoever acts on that message is misled.
        result.extra.untruthful = (result.extra.untruthful ?? 0) + 1;
        appliedOn.set(a.api, (appliedOn.get(a.api) ?? 0) + 1);
        a.wrote = true;
        result.notes.push(
          `${what}: failed ("${reason?.slice(0, 80)}") but live is ${a.liveAtEnd} (its value)`,
        );
      } else if (reason) {
        result.observed += 1;
        result.extra.failedWithReason = (result.extra.failedWithReason ?? 0) + 1;
      } else {
        result.lost += 1;
        result.notes.push(`${what}: ${status} without a reason anyone was told`);
      }
    } else if (a.problem?.startsWith('not queued') || a.told) {
      result.observed += 1;
      result.extra.refused = (result.extra.refused ?? 0) + 1;
    } else {
      result.stuck += 1;
      result.notes.push(`${what}: ${status ?? 'no plan'}${a.problem ? `: ${a.problem}` : ''}`);
    }
  }
  // Side effects: exactly one write per applied plan reached each simulated API.
  for (const api of new Set(attempts.map((a) => a.api))) {
    const writes = counter.writes(api);
    const applied = appliedOn.get(api) ?? 0;
    result.extra[`writes:${api}`] = writes;
    if (writes !== applied) {
      if (writes > applied) result.doubled += writes - applied;
      else result.lost += applied - writes;
      result.notes.push(`${api}: ${writes} writes for ${applied} plans whose change is live`);
    }
  }
  // And what is live is what the last applied plan of each lane set.
  for (const lane of LANES) {
    const last = attempts.filter((a) => a.lane === lane && a.wrote).at(-1);
    if (!last) continue;
    const live = liveValue(chaos, lane);
    if (String(live) !== String(last.value)) {
      result.lost += 1;
      result.notes.push(`${last.line}: applied last, but live is ${live}`);
    }
  }
}

const lane = (a: Attempt) => a.lane;

function liveValue(chaos: ChaosBot, lane: Lane): string | number | undefined {
  const { sandbox } = chaos;
  if (lane.kind === 'dns') {
    const records = sandbox.sim.cloudflare.control
      .records('ai.coder.com')
      .filter((r) => r.name === lane.name);
    return records.map((r) => r.content).join(',');
  }
  const [cluster, namespace, name] =
    lane.kind === 'scale'
      ? [lane.cluster, lane.namespace, lane.name]
      : ['us-east-2', 'litellm', 'litellm-key-rotator'];
  return sandbox.sim.kube.control
    .snapshot(cluster)
    .deployments.find((d) => d.namespace === namespace && d.name === name)?.desired;
}
