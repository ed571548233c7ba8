import { randomBytes } from 'node:crypto';
import { schedulerTickMs } from '../../../src/alerts/alert-schedule.js';
import { AlertStore } from '../../../src/alerts/alert-store.js';
import { ALL_CHECKS } from '../../../src/checks/all-checks.js';
import { AlertSeverity } from '../../../src/inventory/schema.js';
import { alertChannel, deliverAlerts } from '../../../src/jobs/alerts/deliver-alerts.js';
import { evaluateAlerts } from '../../../src/jobs/alerts/evaluate-alerts.js';
import type { RecordedMessage } from '../../../src/sandbox/slack/recorded-message.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox.js';
import { type ChaosResult, emptyResult, percentile } from './kit.js';
import { between, mulberry32, pick, type Rng } from './prng.js';

export interface AlertSoakOptions {
  redisUrl: string;
  seed?: number;
  /** Simulated hours of faults (default 24); the run then goes on until every alert has resolved. */
  hours?: number;
  /** Faults injected over those hours, each in its own stretch at a random moment (default one an hour). */
  faults?: number;
  /** How long a fault lasts, in simulated minutes (default 8–75: long enough to fire, some to escalate). */
  faultMinutes?: [number, number];
  /**
   * The key rotator rotates at the start and then every 4–5 h, as in production (default true). Off, it
   * never rotates: only for runs that end before the seeded rotation comes due (about 50 minutes in).
   */
  rotator?: boolean;
  progress?: ((line: string) => void) | undefined;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
/** No fault outlasts the hours less this much: its alert resolves within them. */
const END_MARGIN_MS = 10 * MIN;
/** A fingerprint rests this long after its fault is cleared before it takes another (its alert resolves). */
const COOLDOWN_MS = 20 * MIN;
/** After the last fault, the run goes on at most this long for the last alerts to resolve. */
const TAIL_MAX_MS = 4 * HOUR;
/** An alert belongs to a fault when posted between its injection and this long after it was cleared. */
const MATCH_GRACE_MS = 15 * MIN;

/** What a fault should raise: one alert per fingerprint (check + subject). */
interface Expected {
  checkId: string;
  subject: string;
  from: number;
  to: number;
  cause: string;
}

interface Fault {
  kind: string;
  /** Fingerprints it holds (no other fault may use them meanwhile). */
  holds: string[];
  expects: Array<{ checkId: string; subject: string }>;
  clear(): Promise<void>;
}

type Injector = (world: World, rng: Rng) => Promise<Fault> | undefined;

interface World {
  sandbox: Sandbox;
  busy: Map<string, number>;
  now(): number;
}

const free = (w: World, key: string) => (w.busy.get(key) ?? Number.NEGATIVE_INFINITY) <= w.now();

const nodes = (w: World) =>
  (['us-east-2', 'us-west-2', 'eu-west-2'] as const).flatMap((cluster) =>
    w.sandbox.sim.kube.control
      .snapshot(cluster)
      .nodes.map((n) => ({ cluster, node: n.name, percent: n.storageUsedPercent })),
  );

/** A node's ephemeral storage fills: past 85 % (node-storage), or past 90 %, where the kubelet reports DiskPressure too. */
const fillNode =
  (pressure: boolean): Injector =>
  (w, rng) => {
    const candidates = nodes(w).filter((n) => free(w, `node:${n.node}`));
    if (!candidates.length) return undefined;
    const { cluster, node, percent } = pick(rng, candidates);
    const fill = (p: number) => w.sandbox.sim.kube.control.fillNodeStorage(cluster, node, p);
    fill(pressure ? between(rng, 92, 97) : between(rng, 86, 89));
    return Promise.resolve({
      kind: pressure ? 'node-pressure' : 'node-storage',
      holds: [`node:${node}`],
      expects: [
        { checkId: 'node-storage', subject: node },
        ...(pressure ? [{ checkId: 'node-pressure', subject: node }] : []),
      ],
      clear: async () => fill(percent),
    });
  };

/** Deployments whose crash loop shows in no other alerting check. */
const LOOPERS = {
  'us-east-2': ['litellm/litellm', 'coder/coder-provisioner-demo', 'kube-system/coredns'],
  'us-west-2': ['kube-system/coredns', 'karpenter/karpenter'],
  'eu-west-2': ['kube-system/coredns', 'karpenter/karpenter'],
} as const;

/** A deployment's containers exit over and over: one crash-loop alert for its cluster. */
const crashLoop: Injector = (w, rng) => {
  const clusters = Object.keys(LOOPERS).filter((c) => free(w, `loop:${c}`)) as (keyof typeof LOOPERS)[];
  if (!clusters.length) return undefined;
  const cluster = pick(rng, clusters);
  const [namespace, name] = pick(rng, LOOPERS[cluster]).split('/') as [string, string];
  const control = w.sandbox.sim.kube.control;
  control.crashLoop(cluster, namespace, name, true);
  return Promise.resolve({
    kind: 'crash-loop',
    holds: [`loop:${cluster}`],
    expects: [{ checkId: 'crash-loops', subject: cluster }],
    clear: async () => {
      control.crashLoop(cluster, namespace, name, false);
      await control.settled(cluster);
    },
  });
};

/** A proxy's image tag resolves to another build in its cluster (one at a time: the subject names every drifted proxy). */
const imageDrift: Injector = (w, rng) => {
  if (!free(w, 'image')) return undefined;
  const cluster = pick(rng, ['us-west-2', 'eu-west-2'] as const);
  const control = w.sandbox.sim.kube.control;
  control.divergeImage(cluster, 'coder', 'coder');
  const coder = w.sandbox.sim.images.coder!;
  return Promise.resolve({
    kind: 'image-drift',
    holds: ['image'],
    expects: [{ checkId: 'image-digests', subject: `proxy:${cluster}` }],
    // Pinned to the control plane's build, then back to the tag (which now resolves to that build again).
    clear: async () => {
      control.setImage(cluster, 'coder', 'coder', `${coder.ref}@${coder.digest}`, coder.digest);
      await control.settled(cluster);
      control.setImage(cluster, 'coder', 'coder', coder.ref, coder.digest);
      await control.settled(cluster);
    },
  });
};

const INJECTORS: Injector[] = [fillNode(false), fillNode(true), crashLoop, imageDrift];

/** A random kind of fault on free fingerprints (another kind when that one has none free). */
async function inject(world: World, rng: Rng): Promise<Fault | undefined> {
  const first = Math.floor(rng() * INJECTORS.length);
  for (let i = 0; i < INJECTORS.length; i++) {
    const fault = await INJECTORS[(first + i) % INJECTORS.length]!(world, rng);
    if (fault) return fault;
  }
  return undefined;
}

/**
 * 24 simulated hours at the inventory's real schedule: the sandbox's clock is moved from one event to the
 * next (a scheduler tick, a delivery slot, a fault starting or ending) and each tick runs what the
 * scheduler would (`evaluateAlerts` with only the checks due), each slot what `alerts.deliver` would.
 * Random faults (seeded) are injected and cleared; the key rotator rotates every 4–5 h as in production,
 * each rotation an episode the key-rotation check warns about. Every fault (and episode) must alert
 * exactly once and resolve exactly once, and nothing may alert without one.
 */
export async function alertSoak(opts: AlertSoakOptions): Promise<ChaosResult> {
  const result = emptyResult('alert-soak');
  const started = Date.now();
  const rng = mulberry32(opts.seed ?? 1);
  const hours = opts.hours ?? 24;
  const faultCount = opts.faults ?? Math.round(hours);
  const [shortest, longest] = (opts.faultMinutes ?? [8, 75]).map((m) => m * MIN) as [number, number];
  const logs: string[] = [];
  const sandbox = await startSandbox({
    redisUrl: opts.redisUrl,
    redisPrefix: `soak-${randomBytes(4).toString('hex')}`,
    stateDir: null,
    rolloutStepMs: 30,
    logDestination: { write: (line: string) => void logs.push(line) },
    // A busy machine must not turn a slow check into `unknown` (which resolves nothing).
    checks: { deadlineMs: 30_000, partDeadlineMs: 25_000 },
  });
  try {
    const deps = sandbox.bot!.deps;
    const env = deps.environments.get('ai.coder.com')!;
    const cfg = env.alerts!;
    const clock = sandbox.sim.clock;
    const store = new AlertStore(deps.redis, deps.prefix);
    const tick = schedulerTickMs(cfg);
    const t0 = clock.now();
    const end = t0 + hours * HOUR;
    const world: World = { sandbox, busy: new Map(), now: () => clock.now() };
    const expected: Expected[] = [];
    const active: Array<{ fault: Fault; from: number; until: number }> = [];
    const detect: number[] = [];
    let evaluations = 0;
    let deliveries = 0;
    let injected = 0;
    const kinds = new Map<string, number>();

    // The rotator: a rotation now, then one in each 4–5 h window, each an episode of warnings from an
    // hour before the window opens to an hour after the rotation.
    const rotation = env.rotation!;
    const rotate = () => sandbox.sim.kube.control.rotateKey();
    const episode = (from: number, to: number) =>
      expected.push({ checkId: 'key-rotation', subject: rotation.deployment, from, to, cause: 'rotation' });
    let lastRotation = t0;
    let nextRotation = Number.POSITIVE_INFINITY;
    if (opts.rotator !== false) {
      rotate();
      episode(t0, t0 + HOUR);
      nextRotation = t0 + rotation.intervalHours.min * HOUR + Math.floor(rng() * HOUR);
    }

    // The hours are cut into one stretch per fault; each fault starts at a random moment of its stretch
    // (on the first tick after it), on fingerprints no other fault holds.
    const span = Math.max(0, hours * HOUR - longest - END_MARGIN_MS);
    const planned = Array.from(
      { length: faultCount },
      (_, i) => t0 + Math.floor(((i + rng()) * span) / Math.max(1, faultCount)),
    );
    let skipped = 0;
    let nextTick = t0;
    let nextDelivery: number | undefined;
    const advanceTo = (at: number) => {
      const now = clock.now();
      if (at > now) clock.advance(at - now);
    };
    const quiet = async () => {
      const states = await store.all(env.name);
      return states.every((s) => s.phase === 'resolved' && s.message && s.outbox.length === 0);
    };

    for (;;) {
      const clears = active.length ? Math.min(...active.map((a) => a.until)) : Number.POSITIVE_INFINITY;
      const at = Math.min(nextTick, nextDelivery ?? Number.POSITIVE_INFINITY, clears, nextRotation);
      advanceTo(at);
      const now = clock.now();

      for (const a of active.filter((x) => x.until <= now)) {
        await a.fault.clear();
        active.splice(active.indexOf(a), 1);
        for (const key of a.fault.holds) world.busy.set(key, clock.now() + COOLDOWN_MS);
        for (const e of a.fault.expects)
          expected.push({ ...e, from: a.from, to: clock.now(), cause: a.fault.kind });
      }
      // The rotator goes on after the faults stop, as it would: the run ends between two episodes.
      if (nextRotation <= now) {
        rotate();
        episode(lastRotation + (rotation.intervalHours.min - 1) * HOUR, now + HOUR);
        lastRotation = now;
        nextRotation = now + rotation.intervalHours.min * HOUR + Math.floor(rng() * HOUR);
      }

      if (nextDelivery !== undefined && nextDelivery <= now) {
        const unlock = await store.tryLock(env.name, 30_000, 'deliver');
        if (unlock) {
          try {
            nextDelivery = (await deliverAlerts(deps, env, store)).nextAt;
            deliveries++;
          } finally {
            await unlock();
          }
        }
      }

      if (nextTick <= now) {
        while (planned.length && planned[0]! <= now) {
          planned.shift();
          const fault = await inject(world, rng);
          if (!fault) {
            skipped++;
            continue;
          }
          injected++;
          kinds.set(fault.kind, (kinds.get(fault.kind) ?? 0) + 1);
          for (const key of fault.holds) world.busy.set(key, Number.POSITIVE_INFINITY);
          active.push({ fault, from: clock.now(), until: clock.now() + between(rng, shortest, longest) });
        }
        const s = await evaluateAlerts(deps, env, { scheduled: true, waitMs: 0, followUp: false });
        evaluations++;
        if (s.pendingUntil !== undefined)
          nextDelivery = Math.min(nextDelivery ?? Number.POSITIVE_INFINITY, s.pendingUntil);
        nextTick += tick;
        if (evaluations % 60 === 0)
          opts.progress?.(
            `${Math.round((now - t0) / HOUR)} h simulated: ${evaluations} runs, ${injected} faults, ${active.length} active, ${Math.round((Date.now() - started) / 1000)} s`,
          );
      }

      if (now >= end && !active.length && nextDelivery === undefined && (await quiet())) break;
      if (now >= end + TAIL_MAX_MS) {
        result.notes.push('the tail ran out before every alert resolved');
        break;
      }
    }

    const alertChannels = new Set(AlertSeverity.options.map((s) => alertChannel(env, s)));
    tally(result, expected, sandbox.slack.messages(), alertChannels, detect);
    const messages = sandbox.slack.messages();
    const inAlerts = messages.filter((m) => alertChannels.has(m.channel));
    result.requests = evaluations;
    result.p99AckMs = 0;
    result.extra = {
      ...result.extra,
      simulatedHours: Math.round(((clock.now() - t0) / HOUR) * 10) / 10,
      evaluations,
      deliveries,
      faults: injected,
      ...(skipped ? { faultsSkipped: skipped } : {}),
      ...Object.fromEntries([...kinds].map(([k, n]) => [`faults.${k}`, n])),
      posts: inAlerts.filter((m) => m.via === 'chat.postMessage' && !m.thread_ts).length,
      edits: inAlerts.filter((m) => m.via === 'chat.update').length,
      threadReplies: inAlerts.filter((m) => m.via === 'chat.postMessage' && m.thread_ts).length,
      p99FireMin: Math.round(percentile(detect, 0.99) / MIN),
      wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    if (logs.some((l) => /"level":(50|60)/.test(l))) {
      result.extra.serverErrors = logs.filter((l) => /"level":(50|60)/.test(l)).length;
      result.notes.push(...logs.filter((l) => /"level":(50|60)/.test(l)).slice(0, 5));
    }
    return result;
  } finally {
    await sandbox.close();
  }
}

/**
 * Matches the alert messages to the faults: each expected alert must be posted exactly once while its
 * fault lasts (or shortly after) and resolved exactly once in its thread; a post no fault explains is
 * untruthful.
 */
function tally(
  result: ChaosResult,
  expected: Expected[],
  messages: RecordedMessage[],
  alertChannels: ReadonlySet<string>,
  detect: number[],
) {
  const titles = new Map(ALL_CHECKS.map((c) => [c.title, c.id]));
  const posts = messages
    .filter((m) => m.via === 'chat.postMessage' && !m.thread_ts && alertChannels.has(m.channel))
    .flatMap((m) => {
      const head = /\*([^*]+)\* — `([^`]+)`/.exec(m.text.split('\n')[0] ?? '');
      const checkId = head ? titles.get(head[1]!) : undefined;
      return head && checkId ? [{ m, checkId, subject: head[2]!, at: Number(m.ts) * 1000 }] : [];
    });
  const claimed = new Set<RecordedMessage>();
  result.expected = expected.length;
  for (const e of expected) {
    const mine = posts.filter(
      (p) =>
        p.checkId === e.checkId && p.subject === e.subject && p.at >= e.from && p.at <= e.to + MATCH_GRACE_MS,
    );
    for (const p of mine) claimed.add(p.m);
    const what = `${e.cause} → ${e.checkId} ${e.subject} (${new Date(e.from).toISOString()}–${new Date(e.to).toISOString()})`;
    if (mine.length === 0) {
      result.lost++;
      result.notes.push(`never alerted: ${what}`);
      continue;
    }
    if (mine.length > 1) {
      result.doubled++;
      result.notes.push(`alerted ${mine.length} times: ${what}`);
      continue;
    }
    const post = mine[0]!;
    detect.push(post.at - e.from);
    const resolutions = messages.filter(
      (m) => m.thread_ts === post.m.ts && m.via === 'chat.postMessage' && m.text.startsWith('✅ Resolved'),
    );
    if (resolutions.length === 1) result.observed++;
    else if (resolutions.length === 0) {
      result.stuck++;
      result.notes.push(`never resolved: ${what}`);
    } else {
      result.doubled++;
      result.notes.push(`resolved ${resolutions.length} times: ${what}`);
    }
  }
  const unexplained = posts.filter((p) => !claimed.has(p.m));
  result.extra.untruthful = unexplained.length;
  for (const p of unexplained.slice(0, 10))
    result.notes.push(
      `alert no fault explains: ${p.checkId} ${p.subject} at ${new Date(p.at).toISOString()}`,
    );
  result.extra.resolutions = messages.filter(
    (m) => m.thread_ts && m.via === 'chat.postMessage' && m.text.startsWith('✅ Resolved'),
  ).length;
  result.extra.escalations = messages.filter(
    (m) => m.thread_ts && m.via === 'chat.postMessage' && m.text.includes('without an acknowledgement'),
  ).length;
}
