import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { SCALE_KIND } from '../../src/changes/scale/scale-kind.js';
import { applyPlan } from '../../src/plans/apply-plan.js';
import type { PlanDeps } from '../../src/plans/plan-deps.js';
import { requestPlan } from '../../src/plans/request-plan.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';
import { SECOND_ZONE, twoZoneInventory } from '../dns/two-zone-inventory.js';
import { deployment, planFor, until } from '../scale/e2e-kit.js';
import { countRequests, type RequestCounter } from '../support/request-counter.js';

// Fencing: a run that loses its lock (BullMQ aborts its signal) must stop doing I/O at once, even with a
// request in flight. Each case slows the simulated API, aborts the run while a write is in flight, and
// counts what reaches the sandbox afterwards: nothing may.

const CLUSTERS = ['us-east-2', 'us-west-2', 'eu-west-2'];
/** Latency of every request to the slowed API: long enough that "stopped at once" cannot be luck. */
const DELAY = 1_500;
// ai.coder.com with a second zone of its own, so one /dns sync is two Cloudflare batches.
const SECOND = SECOND_ZONE;

let sandbox: Sandbox;
let dir: string;
let counter: RequestCounter | undefined;
const deps = () => sandbox.bot!.deps as unknown as PlanDeps;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kube = (method?: string) => CLUSTERS.reduce((n, c) => n + counter!.count(`kube:${c}`, method), 0);
const kubeWrites = () => CLUSTERS.reduce((n, c) => n + counter!.writes(`kube:${c}`), 0);

beforeAll(async () => {
  dir = await twoZoneInventory();
  sandbox = await startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `t-abort-${randomUUID()}`,
    stateDir: null,
    rolloutStepMs: 30,
    logLevel: 'silent',
    inventoryDir: dir,
  });
});
afterEach(() => {
  counter?.stop();
  counter = undefined;
  sandbox.sim.faults.reset();
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A plan made through Slack and approved without queueing its apply job: the test runs the apply itself,
 * with a signal it owns, as the job runner would with `ctx.signal`.
 */
async function approvedPlan(line: string): Promise<string> {
  const message = await planFor(sandbox, 'operator', line);
  const planId = /p-[0-9a-f]+/.exec(message.text)?.[0] ?? '';
  const now = Date.now();
  const moved = await deps().plans.transition(planId, ['pending'], 'approved', now, {
    approver: sandbox.slack.user('operator2'),
    approvedAt: now,
  });
  if (!moved.ok) throw new Error(`plan ${planId} is ${moved.status}`);
  await sandbox.slack.settle();
  return planId;
}

/** Starts the apply, waits until `inFlight()`, then aborts as BullMQ does on a lost lock (a string reason). */
async function abortWhen(planId: string, inFlight: () => boolean) {
  const run = new AbortController();
  const applying = applyPlan(deps(), planId, { token: `run-${randomUUID()}`, signal: run.signal });
  const settled = applying.then(
    () => ({ ok: true as const, at: Date.now() }),
    (error: unknown) => ({ ok: false as const, error, at: Date.now() }),
  );
  await until(inFlight, 15_000);
  const abortedAt = Date.now();
  const seen = { kube: kube(), cloudflare: counter!.count('cloudflare'), kubeWrites: kubeWrites() };
  run.abort('lost the job lock');
  const outcome = await settled;
  return { outcome, waitedMs: outcome.at - abortedAt, seen };
}

describe('an apply whose run loses its lock with a request in flight', () => {
  it('/scale reset all stops during its first write: no later scale request reaches any cluster', async () => {
    const control = sandbox.sim.kube.control;
    control.setReplicas('us-east-2', 'litellm', 'litellm', 6);
    control.setReplicas('us-west-2', 'coder', 'coder', 3);
    control.setReplicas('eu-west-2', 'coder', 'coder', 3);
    const planId = await approvedPlan('/scale reset all');
    counter = countRequests(sandbox.sim.faults);
    for (const c of CLUSTERS) sandbox.sim.faults.slow(`kube:${c}`, DELAY);
    const { outcome, waitedMs, seen } = await abortWhen(planId, () => kubeWrites() >= 1);
    expect(outcome.ok).toBe(false);
    expect(String((outcome as { error: unknown }).error)).toContain('lost the job lock');
    // The caller stopped waiting at once, not when the slow write answered.
    expect(waitedMs).toBeLessThan(DELAY / 2);
    await sleep(DELAY * 3);
    expect(seen.kubeWrites).toBe(1);
    expect(kubeWrites()).toBe(1);
    expect(kube()).toBe(seen.kube);
    // At most the write already in flight landed; the other targets kept their counts.
    const moved = [
      deployment(sandbox, 'us-east-2', 'litellm', 'litellm').desired !== 6,
      deployment(sandbox, 'us-west-2', 'coder', 'coder').desired !== 3,
      deployment(sandbox, 'eu-west-2', 'coder', 'coder').desired !== 3,
    ].filter(Boolean);
    expect(moved.length).toBeLessThanOrEqual(1);
    const plan = await deps().plans.get(planId);
    expect(plan?.status).toBe('applying');
  }, 60_000);

  it('/scale stops while following its rollout: no further reads, no rollout message', async () => {
    const planId = await approvedPlan('/scale provisioners:demo 3');
    const since = sandbox.slack.messages().at(-1)?.seq ?? 0;
    counter = countRequests(sandbox.sim.faults);
    for (const c of CLUSTERS) sandbox.sim.faults.slow(`kube:${c}`, DELAY);
    let readsAtWrite = Number.POSITIVE_INFINITY;
    const { outcome, waitedMs, seen } = await abortWhen(planId, () => {
      if (kubeWrites() >= 1 && readsAtWrite === Number.POSITIVE_INFINITY) readsAtWrite = kube('GET');
      // The write is done and the rollout's first read is in flight.
      return kube('GET') > readsAtWrite;
    });
    expect(outcome.ok).toBe(false);
    expect(waitedMs).toBeLessThan(DELAY / 2);
    await sleep(DELAY * 3);
    expect(kube()).toBe(seen.kube);
    const rollout = sandbox.slack
      .messages()
      .filter((m) => m.seq > since && /Rollout (complete|not finished)/.test(m.text));
    expect(rollout.map((m) => m.text)).toEqual([]);
  }, 60_000);

  it('/dns sync across two zones stops during the first batch: the second zone is never written', async () => {
    const control = sandbox.sim.cloudflare.control;
    control.setRecord('ai.coder.com', 'oregon-proxy.ai.coder.com', 'CNAME', {
      content: 'stray.example.com',
      ttl: 60,
    });
    control.setRecord(SECOND, `docs.${SECOND}`, 'CNAME', { content: 'stray.example.com', ttl: 60 });
    const planId = await approvedPlan('/dns sync');
    counter = countRequests(sandbox.sim.faults);
    sandbox.sim.faults.slow('cloudflare', DELAY);
    const { outcome, waitedMs, seen } = await abortWhen(planId, () => counter!.writes('cloudflare') >= 1);
    expect(outcome.ok).toBe(false);
    expect(waitedMs).toBeLessThan(DELAY / 2);
    await sleep(DELAY * 3);
    expect(counter.writes('cloudflare')).toBe(1);
    expect(counter.count('cloudflare')).toBe(seen.cloudflare);
    const stray = (zone: string, name: string) =>
      control.records(zone).find((r) => r.name === name)?.content === 'stray.example.com';
    // At most the batch already in flight landed: one zone still has its stray record.
    expect([stray('ai.coder.com', 'oregon-proxy.ai.coder.com'), stray(SECOND, `docs.${SECOND}`)]).toContain(
      true,
    );
  }, 60_000);
});

describe('a plan job whose run loses its lock while it reads the "before"', () => {
  it('/scale planning stops during its read: no plan is stored, posted or audited', async () => {
    counter = countRequests(sandbox.sim.faults);
    for (const c of CLUSTERS) sandbox.sim.faults.slow(`kube:${c}`, DELAY);
    const since = sandbox.slack.messages().at(-1)?.seq ?? 0;
    const planId = `p-abort-read-${randomUUID().slice(0, 8)}`;
    const run = new AbortController();
    const planning = requestPlan(deps(), {
      planId,
      kind: SCALE_KIND,
      change: { environment: 'ai.coder.com', items: [{ target: 'provisioners:demo', replicas: 4 }] },
      environment: 'ai.coder.com',
      requester: sandbox.slack.user('operator'),
      channel: sandbox.sim.directory.channelId,
      signal: run.signal,
    }).then(
      () => ({ error: undefined as unknown, at: Date.now() }),
      (error: unknown) => ({ error, at: Date.now() }),
    );
    await until(() => kube('GET') >= 1, 15_000);
    const abortedAt = Date.now();
    run.abort('lost the job lock');
    const { error, at } = await planning;
    expect(String(error)).toContain('lost the job lock');
    expect(at - abortedAt).toBeLessThan(DELAY / 2);
    expect(await deps().plans.get(planId)).toBeUndefined();
    await sleep(DELAY * 2);
    expect(sandbox.slack.messages().filter((m) => m.seq > since && m.text.includes(planId))).toEqual([]);
    expect(JSON.stringify(await deps().audit.latest(50))).not.toContain(planId);
  }, 60_000);
});
