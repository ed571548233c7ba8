import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';

/** A control API route over HTTP, as a demo or an outside script would call it. */
/**
 * Room for checks on a busy test machine: a check that runs out of time shows ❔, which would read as a
 * false alarm here. (The deadline itself is tested in test/checks.)
 */
export const ROOMY_CHECKS = { checks: { deadlineMs: 30_000, partDeadlineMs: 25_000 } };

export async function control(sandbox: Sandbox, route: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(`${sandbox.state.controlUrl}/${route}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { ok?: boolean; result?: unknown; error?: string };
  if (res.status !== 200) throw new Error(`control ${route}: ${res.status} ${answer.error ?? ''}`);
  return answer.result;
}

export interface Diagnosis {
  /** The summary as finally edited. */
  summary: RecordedMessage;
  /** Text and blocks of the summary, as a user reads them. */
  text: string;
  /** Messages in its thread (full evidence). */
  thread: RecordedMessage[];
  /** Every version of the summary message (the progress edits). */
  versions: RecordedMessage[];
}

const readable = (m: RecordedMessage) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

/** Runs `/diagnose …` as `role` and waits for its summary (the progress message's last edit). */
export async function diagnose(sandbox: Sandbox, line: string, role = 'viewer'): Promise<Diagnosis> {
  const seen = sandbox.slack.messages().length;
  const ack = await sandbox.slack.command(role, line);
  if (ack.status !== 200 || !ack.text.includes('Queued')) throw new Error(`ack ${ack.status}: ${ack.text}`);
  const summary = await sandbox.slack.waitFor((m) => m.seq > seen && m.text.includes('(asked by <@'));
  await sandbox.slack.settle();
  const versions = sandbox.slack
    .messages()
    .filter((m) => m.ts === summary.ts && m.channel === summary.channel);
  const thread = sandbox.slack.messages().filter((m) => m.thread_ts === summary.ts);
  return { summary, text: readable(summary), thread, versions };
}

/** The line (section) of one check in the summary. */
export function sectionOf(d: Diagnosis, title: string): string {
  const sections = (d.summary.blocks ?? []).map((b) => (b as { text?: { text?: string } }).text?.text ?? '');
  return sections.find((s) => s.includes(`*${title}*`)) ?? '';
}

type Accessory = { action_id?: string; value?: string; text?: { text?: string } };

/** The fix buttons of a summary (each beside its check's section). */
export function fixButtons(d: Diagnosis): { label: string; value: string }[] {
  return (d.summary.blocks ?? [])
    .map((b) => (b as { accessory?: Accessory }).accessory)
    .filter((a): a is Accessory => a?.action_id === 'diagnose.fix' && typeof a.value === 'string')
    .map((a) => ({ label: a.text?.text ?? '', value: a.value ?? '' }));
}

export function fixButton(d: Diagnosis): { label: string; value: string } | undefined {
  return fixButtons(d)[0];
}

/**
 * Presses a fix button as `role`. Enqueues exactly what the button handler will for action id
 * `diagnose.fix` (the route in src/slack is the lead's to add); swap for `sandbox.slack.press` then.
 */
/** Presses a finding's fix button as `role`, as Slack sends it. */
export async function pressFix(sandbox: Sandbox, role: string, d: Diagnosis, fixId: string): Promise<void> {
  const reply = await sandbox.slack.press(role, d.summary, 'diagnose.fix', fixId);
  if (reply.status !== 200) throw new Error(`fix button answered ${reply.status}`);
}
