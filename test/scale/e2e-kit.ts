import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';

/** Jobs a request made: those of the schedulers (the minute's plan sweep, digests, alerts) left out. */
export async function requestJobs(sandbox: Sandbox): Promise<number> {
  const scheduled = new Set(['plan.sweep', 'alerts.evaluate', 'ops.digest']);
  return (await sandbox.bot!.deps.queue.jobs.recent(1000)).filter((j) => !scheduled.has(j.name)).length;
}

export function startTestSandbox(): Promise<Sandbox> {
  return startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `t-${randomUUID()}`,
    stateDir: null,
    rolloutStepMs: 30,
    logLevel: 'silent',
  });
}

export const buttonsOf = (m: RecordedMessage): { action_id: string; value?: string }[] =>
  (m.blocks ?? [])
    .flatMap((b) => (b as { elements?: { action_id?: string; value?: string }[] }).elements ?? [])
    .filter((e): e is { action_id: string; value?: string } => typeof e.action_id === 'string');

/** The latest version (by ts) of each message, so edits show their final text. */
export function current(sandbox: Sandbox): RecordedMessage[] {
  const byTs = new Map<string, RecordedMessage>();
  for (const m of sandbox.slack.messages())
    if (m.via !== 'chat.postEphemeral') byTs.set(`${m.channel}/${m.ts}`, m);
  return [...byTs.values()];
}

export function ephemeralsFor(sandbox: Sandbox, role: string): string[] {
  const user = sandbox.slack.user(role);
  return sandbox.slack
    .messages()
    .filter((m) => m.via === 'chat.postEphemeral' && m.user === user)
    .map((m) => m.text);
}

/** Runs a command and returns the plan message it posted (pending, with Approve). */
export async function planFor(sandbox: Sandbox, role: string, line: string): Promise<RecordedMessage> {
  const seen = sandbox.slack.messages().length;
  const ack = await sandbox.slack.command(role, line);
  if (ack.status !== 200) throw new Error(`ack ${ack.status}: ${ack.text}`);
  return sandbox.slack.waitFor(
    (m) => m.seq > seen && buttonsOf(m).some((b) => b.action_id === 'plan.approve'),
  );
}

export function threadOf(sandbox: Sandbox, plan: RecordedMessage): RecordedMessage[] {
  return current(sandbox).filter((m) => m.thread_ts === plan.ts);
}

export function deployment(sandbox: Sandbox, cluster: string, namespace: string, name: string) {
  const d = sandbox.sim.kube.control
    .snapshot(cluster)
    .deployments.find((x) => x.namespace === namespace && x.name === name);
  if (!d) throw new Error(`no deployment ${namespace}/${name} in ${cluster}`);
  return d;
}

export async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
