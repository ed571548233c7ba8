import { expect } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Ack } from '../../src/sandbox/slack-driver.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { buttonsOf } from '../scale/e2e-kit.js';

/**
 * Golden Block Kit files: every message kind the bot sends, as Slack received it, with only what
 * legitimately differs between runs (ids, times, digests, ports, wall-clock durations) replaced by
 * placeholders. Anything else that changes — wording, structure, a button — shows up as a diff.
 */

/** What a golden file holds: how the message reached Slack, where it shows, and its text and blocks. */
export interface Shot {
  via: string;
  where: string;
  text: string;
  blocks?: unknown;
  view?: unknown;
  response_type?: string;
  /** Files a message shares: what a reader sees of them (the bytes vary with the data). */
  files?: { name: string; title: string; mimetype: string; alt_txt?: string }[];
}

/** Compares `shot` (normalised) with `test/golden/messages/<kind>.json`. */
export async function expectGolden(kind: string, shot: Shot): Promise<void> {
  await expect(`${JSON.stringify(normalize(shot), null, 2)}\n`).toMatchFileSnapshot(
    `./messages/${kind}.json`,
  );
}

/** A slash command's ack (the HTTP answer Slack shows the caller only). */
export function ackShot(sandbox: Sandbox, role: string, ack: Ack): Shot {
  if (ack.status !== 200) throw new Error(`ack ${ack.status}: ${ack.body}`);
  const body = JSON.parse(ack.body) as { response_type?: string; text: string; blocks?: unknown };
  return {
    via: 'ack',
    where: `ack to ${roleOf(sandbox, sandbox.slack.user(role))}`,
    ...(body.response_type ? { response_type: body.response_type } : {}),
    text: body.text,
    ...(body.blocks ? { blocks: body.blocks } : {}),
  };
}

/** A message the bot posted, edited, answered through a response_url or published as a view. */
export function messageShot(sandbox: Sandbox, m: RecordedMessage): Shot {
  const channel = channelName(sandbox, m.channel);
  const who = m.user ? roleOf(sandbox, m.user) : '';
  const where =
    m.via === 'views.publish'
      ? `App Home of ${roleOf(sandbox, m.channel)}`
      : m.via === 'chat.postEphemeral'
        ? `ephemeral to ${who} in ${channel}${m.thread_ts ? ' (thread)' : ''}`
        : m.via === 'response_url'
          ? `response_url to ${who} in ${channel} (${m.response_type ?? 'ephemeral'})`
          : `${channel}${m.thread_ts ? ' (thread)' : ''}`;
  const view = m.view ? { type: m.view.type, blocks: m.view.blocks } : undefined;
  return {
    via: m.via,
    where,
    text: m.text,
    ...(m.blocks && !view ? { blocks: m.blocks } : {}),
    ...(view ? { view } : {}),
    ...(m.files?.length
      ? {
          files: m.files.map((f) => ({
            name: f.name,
            title: f.title,
            mimetype: f.mimetype,
            ...(f.alt_txt ? { alt_txt: f.alt_txt } : {}),
          })),
        }
      : {}),
  };
}

function channelName(sandbox: Sandbox, id: string): string {
  const c = sandbox.sim.directory.channels.find((x) => x.id === id);
  return c ? `#${c.name}` : id;
}

function roleOf(sandbox: Sandbox, user: string): string {
  const role = Object.entries(sandbox.state.slack.users).find(([, id]) => id === user)?.[0];
  return role ? `@${role}` : user;
}

/** Everything a message shows, for predicates: its fallback text and its blocks. */
export const shown = (m: RecordedMessage): string => `${m.text}\n${JSON.stringify(m.blocks ?? m.view ?? [])}`;

export const hasButton = (m: RecordedMessage, actionId: string): boolean =>
  buttonsOf(m).some((b) => b.action_id === actionId) ||
  (m.blocks ?? []).some(
    (b) => (b as { accessory?: { action_id?: string } }).accessory?.action_id === actionId,
  );

/** The seq of the newest recorded message: what a scenario step's messages come after. */
export function mark(sandbox: Sandbox): number {
  return sandbox.slack.messages().at(-1)?.seq ?? 0;
}

/** Waits for the first message after `after` that `pred` accepts (event-driven, no polling). */
export function next(
  sandbox: Sandbox,
  after: number,
  pred: (m: RecordedMessage) => boolean,
  timeoutMs = 20_000,
): Promise<RecordedMessage> {
  return sandbox.slack
    .waitFor((m) => m.seq > after && pred(m), timeoutMs)
    .catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; after #${after}:\n${listing(sandbox, after)}`);
    });
}

/** The latest version of the message `m` (its final edit), once the bot has settled. */
export function latest(sandbox: Sandbox, m: RecordedMessage): RecordedMessage {
  return sandbox.slack
    .messages()
    .filter((x) => x.channel === m.channel && x.ts === m.ts && x.via !== 'chat.postEphemeral')
    .at(-1)!;
}

/** Every recorded version of the message `m` that `pred` accepts, oldest first. */
export function versionsOf(
  sandbox: Sandbox,
  m: RecordedMessage,
  pred: (x: RecordedMessage) => boolean = () => true,
): RecordedMessage[] {
  return sandbox.slack.messages().filter((x) => x.channel === m.channel && x.ts === m.ts && pred(x));
}

/** One line per message after `after`, for failure output. */
export function listing(sandbox: Sandbox, after = 0): string {
  return sandbox.slack
    .messages()
    .filter((m) => m.seq > after)
    .map((m) => `#${m.seq} ${m.via} ${m.channel}${m.thread_ts ? ' thread' : ''}: ${m.text.slice(0, 160)}`)
    .join('\n');
}

/** Lines the audit mirror posted after `after` (it batches lines into one message when a backlog builds). */
export function auditLines(sandbox: Sandbox, after = 0): string[] {
  const channel = sandbox.bot!.deps.environments.get('ai.coder.com')!.slack.auditChannel;
  return sandbox.slack
    .messages()
    .filter((m) => m.seq > after && m.channel === channel)
    .flatMap((m) => m.text.split('\n'));
}

// ---------------------------------------------------------------------------------------------------
// Normalisation: only what legitimately varies between runs.

type Rule = [RegExp, (n: Numbering, match: string, ...groups: string[]) => string];

/** Placeholders numbered by first appearance within one golden, so "the same plan" stays visible. */
class Numbering {
  private readonly seen = new Map<string, Map<string, number>>();
  of(kind: string, value: string): string {
    const byValue = this.seen.get(kind) ?? new Map<string, number>();
    this.seen.set(kind, byValue);
    if (!byValue.has(value)) byValue.set(value, byValue.size + 1);
    return `<${kind}-${byValue.get(value)}>`;
  }
}

const RULES: Rule[] = [
  // Slack's date token: the epoch seconds and the fallback ISO time; the format string stays.
  [/<!date\^\d+\^([^|>]*)\|[^>]*>/g, (_n, _all, format) => `<!date^<epoch>^${format}|<time>>`],
  // Slack message timestamps.
  [/\b\d{10}\.\d{6}\b/g, () => '<ts>'],
  // ISO times (audit lines, job lists, snooze details).
  [/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/g, () => '<time>'],
  [/\b\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\b/g, () => '<time> UTC'],
  // Epoch milliseconds inside job ids (`revert-<plan>-<ms>`, repeat jobs).
  [/\b1\d{12}\b/g, () => '<epoch-ms>'],
  // Plan, job, diagnosis-fix ids: derived from Slack's trigger ids and random bytes.
  [/\bp-[0-9a-f]{12}\b/g, (n, id) => n.of('plan', id)],
  [/\b[a-z]+-[0-9a-f]{20,24}\b/g, (n, id) => n.of('job', id)],
  [/\bfx-[0-9a-f]{12}\b/g, (n, id) => n.of('fix', id)],
  // Image digests (full or shortened to 12 hex digits): same build, same placeholder.
  [/sha256:([0-9a-f]{12})[0-9a-f]*/g, (n, _all, head) => `sha256:${n.of('digest', head)}`],
  // Sandbox servers listen on ephemeral ports.
  [/\b(127\.0\.0\.1|localhost):\d{2,5}\b/g, (_n, _all, host) => `${host}:<port>`],
  // Ages relative to now, rounded to the minute ("2 h 6 min ago", "in 45 min"): they move with the wall clock.
  [/\b(\d+ d|\d+ h \d+ min|\d+ min) ago\b/g, () => '<age> ago'],
  [/\bin (\d+ d|\d+ h \d+ min|\d+ min)\b/g, () => 'in <age>'],
  [/\bsince (\d+ d|\d+ h \d+ min|\d+ min)\b/g, () => 'since <age>'],
  // Durations measured on the wall clock (how long a rollout, a diagnosis or a copy took).
  [
    /(Rolling out \(|Rollout complete in |Rollout not finished after |not ready after )((\d+[dhms] ?)+)/g,
    (_n, _all, head) => `${head}<duration>`,
  ],
  [/(🔎[^\n]*· )\d+\.\d s\b/gu, (_n, _all, head) => `${head}<seconds> s`],
  // Days a certificate or credential has left: counted from when the sandbox minted it, on a clock tests move.
  [/\b\d+ days left\b/g, () => '<days> days left'],
  // How long a workshop smoke test took, and a workshop's id inside its workspace names.
  [/(command ran, deleted \()\d+\.\d s\)/g, (_n, _all, head) => `${head}<seconds> s)`],
  [/\bw-[0-9a-f]{8}\b/g, (n, id) => n.of('workshop', id)],
  [
    /sent in \d+\.\d s(, \d+\.\d MB\/s)?/g,
    (_n, _all, rate) => `sent in <seconds> s${rate ? ', <rate> MB/s' : ''}`,
  ],
];

function normalizeText(text: string, n: Numbering): string {
  let out = text;
  for (const [re, replace] of RULES)
    out = out.replace(re, (match: string, ...groups: string[]) => replace(n, match, ...groups));
  return out;
}

/** Deep copy of `value` with every string normalised; placeholders numbered across the whole value. */
export function normalize<T>(value: T, n = new Numbering()): T {
  if (typeof value === 'string') return normalizeText(value, n) as T;
  if (Array.isArray(value)) return value.map((v) => normalize(v, n)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, n)])) as T;
  return value;
}
