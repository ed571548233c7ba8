import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';

export const ZONE = 'ai.coder.com';

export function startDnsSandbox(): Promise<Sandbox> {
  return startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `t-dns-${randomUUID()}`,
    stateDir: null,
    rolloutStepMs: 30,
    logLevel: 'silent',
  });
}

/** Everything a message shows: its fallback text and its blocks. */
export function shown(m: RecordedMessage): string {
  return `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
}

export interface Turn {
  ack: { status: number; text: string };
  /** Messages the bot produced during this turn. */
  msgs: RecordedMessage[];
}

/** Runs one slash command as `role` and waits until the bot is quiet. */
export async function run(sandbox: Sandbox, role: string, line: string): Promise<Turn> {
  const seq = lastSeq(sandbox);
  const ack = await sandbox.slack.command(role, line);
  await sandbox.slack.settle();
  return { ack, msgs: sandbox.slack.messages().filter((m) => m.seq > seq) };
}

export async function press(sandbox: Sandbox, role: string, message: RecordedMessage, actionId: string) {
  const seq = lastSeq(sandbox);
  await sandbox.slack.press(role, message, actionId);
  await sandbox.slack.settle();
  return sandbox.slack.messages().filter((m) => m.seq > seq);
}

export function lastSeq(sandbox: Sandbox): number {
  return sandbox.slack.messages().at(-1)?.seq ?? 0;
}

const hasAction = (m: RecordedMessage, actionId: string) =>
  (m.blocks ?? []).some(
    (b) =>
      b.type === 'actions' &&
      ((b.elements as { action_id?: string }[] | undefined) ?? []).some((e) => e.action_id === actionId),
  );

/** The plan the bot posted (with Approve) among `msgs`. */
export function planIn(msgs: RecordedMessage[]): RecordedMessage {
  const plan = msgs.find((m) => m.via === 'chat.postMessage' && hasAction(m, 'plan.approve'));
  if (!plan) throw new Error(`no plan among:\n${msgs.map(shown).join('\n---\n')}`);
  return plan;
}

export function resultIn(msgs: RecordedMessage[]): RecordedMessage | undefined {
  return msgs.find((m) => m.via === 'chat.postMessage' && hasAction(m, 'plan.undo'));
}

export function planIdOf(m: RecordedMessage): string {
  const id = /p-[0-9a-f]{12}/.exec(m.text)?.[0];
  if (!id) throw new Error(`no plan id in ${m.text}`);
  return id;
}

export function recordsAt(sandbox: Sandbox, name: string, type: string) {
  return sandbox.sim.cloudflare.control.records(ZONE).filter((r) => r.name === name && r.type === type);
}

/** Ephemeral replies to `role` among `msgs`. */
export function ephemeralTo(sandbox: Sandbox, role: string, msgs: RecordedMessage[]): string {
  const user = sandbox.slack.user(role);
  return msgs
    .filter((m) => m.via === 'chat.postEphemeral' && m.user === user)
    .map(shown)
    .join('\n');
}

export function auditChannelText(sandbox: Sandbox, msgs: RecordedMessage[]): string {
  return msgs
    .filter((m) => m.channel !== sandbox.state.slack.channelId)
    .map((m) => m.text)
    .join('\n');
}

/**
 * One sandbox per test file: started before the file, closed after it, its DNS records and injected
 * faults put back before each test. The returned object stands for the sandbox once it has started.
 */
export function useDnsSandbox(): Sandbox {
  let started: Sandbox | undefined;
  beforeAll(async () => {
    started = await startDnsSandbox();
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    started!.sim.cloudflare.control.reset();
    started!.sim.faults.reset();
  });
  return new Proxy({} as Sandbox, { get: (_t, key) => Reflect.get(started!, key) });
}
