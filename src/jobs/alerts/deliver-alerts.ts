import type { AlertState, Outgoing } from '../../alerts/alert-state.js';
import type { AlertStore } from '../../alerts/alert-store.js';
import { renderAlert } from '../../alerts/render-alert.js';
import { retryAfterOf } from '../../audit/audit-mirror.js';
import type { AlertSeverity, Environment } from '../../inventory/schema.js';
import type { PostedMessage } from '../../ports/chat.js';
import type { ProgressPacer } from '../../queue/create-progress-reporter.js';
import type { Logger } from '../../queue/logger.js';
import { FixStore } from '../diagnose/fix-store.js';
import type { JobDeps } from '../job-deps.js';

/** Where an alert of a severity goes: the inventory's channel for it, else the first ops channel. */
export function alertChannel(env: Environment, severity: AlertSeverity): string {
  return env.alerts?.channels[severity] ?? env.slack.opsChannels[0]!;
}

/** The idempotency key of an alert's message (one per firing cycle). */
export const alertKey = (s: Pick<AlertState, 'id' | 'firingSince' | 'firstSeenAt'>) =>
  `alert-${s.id}-${s.firingSince ?? s.firstSeenAt}`;

export interface DeliveryResult {
  posted: number;
  replies: number;
  edited: number;
  /** When the next thing left can go out (its channel's next slot); absent when nothing is left. */
  nextAt?: number;
}

export interface DeliverOptions {
  /** How long this pass may wait for a channel's next slot before leaving the rest (default 0). */
  waitMs?: number;
  log?: Logger;
}

type Action =
  | { kind: 'post'; state: AlertState; channel: string; rank: number; at: number }
  | { kind: 'reply'; state: AlertState; item: Outgoing; channel: string; rank: number; at: number }
  | { kind: 'edit'; state: AlertState; channel: string; rank: number; at: number };

/** The shared pacer's interval (createProgressPacer's): a slot per second per channel. */
const SLOT_MS = 1_000;
/** Failures of one channel back off from a slot, doubling, up to this (or Slack's Retry-After). */
const MAX_BACKOFF_MS = 60_000;
/** Failures in a row per channel, in this process (the pacer's is per process too). */
const failures = new Map<string, number>();

/**
 * Sends what the alert states say Slack should show and does not yet: an alert's message (once), its
 * thread replies in order, then edits (resolved ones first, then the longest-unedited). Every send takes
 * the channel's slot of the shared pacer (≤ 1 message per second per channel, as Slack asks), also across
 * processes through Redis; a burst waits for its turn and nothing is dropped: a send leaves the state only
 * once Slack took it. Call it holding the environment's lock.
 */
export async function deliverAlerts(
  deps: JobDeps,
  env: Environment,
  store: AlertStore,
  opts: DeliverOptions = {},
): Promise<DeliveryResult> {
  const result: DeliveryResult = { posted: 0, replies: 0, edited: 0 };
  const deadline = deps.clock.now() + (opts.waitMs ?? 0);
  const fixes = new FixStore(deps.redis, deps.prefix);
  const seeded = new Set<string>();
  for (;;) {
    const now = deps.clock.now();
    const actions = (await store.all(env.name))
      .flatMap((s) => nextAction(env, s, now) ?? [])
      .sort((a, b) => a.rank - b.rank || a.at - b.at);
    if (!actions.length) return result;
    await seedPacer(deps, store, [...new Set(actions.map((a) => a.channel))], seeded);
    const ready = actions.find((a) => deps.pacer.nextAt(a.channel) <= now);
    if (!ready) {
      const nextAt = Math.min(...actions.map((a) => deps.pacer.nextAt(a.channel)));
      if (nextAt > deadline) return { ...result, nextAt };
      await new Promise((r) => setTimeout(r, nextAt - now));
      continue;
    }
    await take(deps, store, ready.channel);
    try {
      await perform(deps, env, store, fixes, ready, now, result);
      failures.delete(ready.channel);
      // Taken again once Slack answered, so the gap Slack sees is the whole interval.
      await take(deps, store, ready.channel);
    } catch (err) {
      const n = (failures.get(ready.channel) ?? 0) + 1;
      failures.set(ready.channel, n);
      const at = deps.clock.now();
      const wait = Math.max(retryAfterOf(err, at) ?? 0, Math.min(MAX_BACKOFF_MS, SLOT_MS * 2 ** (n - 1)));
      // One warning per streak: a channel Slack keeps refusing must not flood the logs.
      opts.log?.[n === 1 ? 'warn' : 'debug'](
        { err, channel: ready.channel, kind: ready.kind, waitMs: wait, failures: n },
        'alert message not sent; kept for later',
      );
      // The slot after the wait: this channel waits, the others go on.
      await take(deps, store, ready.channel, at + wait - SLOT_MS);
      // An edit Slack refuses for good (a deleted message) is given up until the text changes again.
      if (ready.kind === 'edit' && permanent(err))
        await store.update(env.name, ready.state.id, (l) => ({
          ...l,
          rendered: renderAlert(l, now).text,
          renderedAt: now,
        }));
    }
  }
}

/** What one alert needs next, if anything: its message, then its replies in order, then an edit. */
function nextAction(env: Environment, s: AlertState, now: number): Action | undefined {
  if (s.phase === 'pending') return undefined;
  if (!s.message)
    return {
      kind: 'post',
      state: s,
      channel: alertChannel(env, s.severity),
      rank: 0,
      at: s.firingSince ?? s.firstSeenAt,
    };
  const item = s.outbox[0];
  if (item)
    return {
      kind: 'reply',
      state: s,
      item,
      channel: item.to?.channel ?? s.message.channel,
      rank: 0,
      at: item.at,
    };
  if (renderAlert(s, now).text === s.rendered) return undefined;
  // Marking a resolution matters more than a minute more on a duration.
  return {
    kind: 'edit',
    state: s,
    channel: s.message.channel,
    rank: s.phase === 'resolved' ? 1 : 2,
    at: s.renderedAt ?? 0,
  };
}

async function perform(
  deps: JobDeps,
  env: Environment,
  store: AlertStore,
  fixes: FixStore,
  action: Action,
  now: number,
  result: DeliveryResult,
): Promise<void> {
  const s = action.state;
  const drop = ({ sending: _s, ...rest }: AlertState): AlertState => rest;
  if (action.kind === 'post') {
    const key = alertKey(s);
    const rendered = renderAlert(s, now);
    // Only when an earlier send may have gone out: the look-up is one more call in Slack's budget.
    let message: PostedMessage | undefined =
      s.sending === key ? await deps.chat.findPosted(action.channel, undefined, key) : undefined;
    const found = Boolean(message);
    if (!message) {
      await store.update(env.name, s.id, (l) => ({ ...l, sending: key }));
      message = await deps.chat.post({ channel: action.channel, ...rendered, key });
      result.posted++;
    }
    const posted = message;
    await store.update(env.name, s.id, (l) => ({
      ...drop(l),
      message: posted,
      // Found again after a crash: what it shows is unknown, so the next pass edits it.
      ...(found ? {} : { rendered: rendered.text, renderedAt: now }),
    }));
    // The fix button's plan goes to the alert's thread, now that there is one.
    const fix = s.fixId ? await fixes.get(s.fixId) : undefined;
    if (fix) await fixes.put({ ...fix, channel: posted.channel, threadTs: posted.ts });
    return;
  }
  if (action.kind === 'reply') {
    const { item } = action;
    const to = item.to ?? { channel: s.message!.channel, threadTs: s.message!.ts };
    const sent = s.sending === item.key && (await deps.chat.findPosted(to.channel, to.threadTs, item.key));
    if (!sent) {
      await store.update(env.name, s.id, (l) => ({ ...l, sending: item.key }));
      await deps.chat.post({ channel: to.channel, threadTs: to.threadTs, text: item.text, key: item.key });
      result.replies++;
    }
    await store.update(env.name, s.id, (l) => ({
      ...drop(l),
      outbox: l.outbox.filter((o) => o.key !== item.key),
    }));
    return;
  }
  const rendered = renderAlert(s, now);
  await deps.chat.update(s.message!, rendered);
  result.edited++;
  await store.update(env.name, s.id, (l) => ({ ...l, rendered: rendered.text, renderedAt: now }));
}

/**
 * Takes a channel's slot (at `at`, default now) in the process's pacer and in Redis, where the other
 * processes' delivery passes see it.
 */
async function take(deps: JobDeps, store: AlertStore, channel: string, at = deps.clock.now()): Promise<void> {
  markForward(deps.pacer, channel, at);
  await store.markSent(channel, at);
}

/** Marks a send at `at` unless the pacer knows a later one (it only tells when the next slot is). */
function markForward(pacer: ProgressPacer, channel: string, at: number): void {
  const before = pacer.nextAt(channel);
  pacer.mark(channel, at);
  const after = pacer.nextAt(channel);
  if (after < before) pacer.mark(channel, at + (before - after));
}

/** Once per pass and channel: a send of another process (seen in Redis) may be later than the pacer knows. */
async function seedPacer(deps: JobDeps, store: AlertStore, channels: string[], seeded: Set<string>) {
  const fresh = channels.filter((c) => !seeded.has(c));
  for (const [channel, at] of await store.lastSent(fresh)) markForward(deps.pacer, channel, at);
  for (const c of fresh) seeded.add(c);
}

/** Slack refused the call itself (not a rate limit, not the network): repeating it will not help. */
function permanent(err: unknown): boolean {
  const e = err as { code?: unknown; data?: { error?: unknown } };
  return e?.code === 'slack_webapi_platform_error' && e.data?.error !== 'ratelimited';
}
