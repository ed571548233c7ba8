import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry, type AuditEntryInput } from '../../src/audit/audit-entry.js';
import { AuditLog, formatAuditLine } from '../../src/audit/audit-log.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import { createAuditMirrorClient } from '../../src/slack/audit-mirror-client.js';
import { SlackChat } from '../../src/slack/slack-chat.js';
import {
  BOT_TOKEN,
  OPS,
  type SlackFixture,
  silentLogger,
  startFixture,
} from '../sandbox/slack/slack-fixture.js';
import { RecordingChat } from '../support/recording-chat.js';
import { connect, eventually, uniquePrefix } from '../support/redis.js';

const AUDIT = 'C0AICODERAUDIT';

let redis: Redis;
let fx: SlackFixture;
const logs: AuditLog[] = [];
beforeAll(async () => {
  redis = connect();
  fx = await startFixture({
    channels: [
      { id: OPS, name: 'ai-coder-ops' },
      { id: AUDIT, name: 'ops-audit' },
    ],
  });
});
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close(0);
  fx.faults.reset();
  fx.slack.reset();
});
afterAll(async () => {
  await fx.slack.close();
  await redis.quit();
});

/** An audit log mirrored to the sandbox Slack through the same client the bot builds. */
function auditLog(mirror: { burst?: number; intervalMs?: number } = {}): AuditLog {
  const client = createAuditMirrorClient(BOT_TOKEN, { slackApiUrl: fx.slack.apiUrl, logger: silentLogger });
  const log = new AuditLog({
    redis,
    prefix: uniquePrefix('mirror'),
    mirror: { chat: new SlackChat(client), channel: AUDIT, ...mirror },
  });
  logs.push(log);
  return log;
}

const denied = (n: number): AuditEntryInput => ({
  at: 1_700_000_000_000 + n,
  actor: 'U0VIEWER',
  action: 'ops.notice',
  channel: OPS,
  outcome: 'denied',
  detail: `attempt ${n}`,
});

const inAudit = (): RecordedMessage[] => fx.slack.messages().filter((m) => m.channel === AUDIT);
const postedAt = (m: RecordedMessage) => Math.round(Number(m.ts) * 1000);

describe('the audit channel mirror', () => {
  it('mirrors changes, refusals and failures but not reads or repeats', async () => {
    const chat = new RecordingChat();
    const log = new AuditLog({ redis, prefix: uniquePrefix('mirror'), mirror: { chat, channel: AUDIT } });
    logs.push(log);
    const base = { at: 1, actor: 'U0OPER1', action: 'ops.status', channel: OPS, detail: 'x' } as const;
    await log.append({ ...base, outcome: 'allowed', detail: 'help' });
    await log.append({ ...base, outcome: 'requested', jobId: 'cmd-1' });
    await log.append({ ...base, outcome: 'duplicate', jobId: 'cmd-1' });
    await log.append({
      ...base,
      action: 'flag.set',
      outcome: 'requested',
      planId: 'p-1',
      detail: 'set notice',
    });
    await log.append({
      ...base,
      action: 'flag.set',
      outcome: 'applied',
      planId: 'p-1',
      detail: 'set notice',
    });
    await log.append({ ...base, outcome: 'denied', detail: 'wrong channel' });
    await log.append({ ...base, outcome: 'failed', detail: 'queue unavailable' });
    await log.close(5000);
    const lines = chat.posts().flatMap((p) => p.text.split('\n'));
    expect(lines.map((l) => l.split(':')[0])).toEqual(['requested', 'applied', 'denied', 'failed']);
    expect(await log.latest(10)).toHaveLength(7);
  });

  it('paces and batches a backlog through a 429 storm, losing and repeating nothing', async () => {
    fx.faults.fail('slack', { status: 429, count: 3, retryAfter: 1 });
    const log = auditLog();
    const appended = Date.now();
    for (let n = 1; n <= 40; n++) await log.append(denied(n));
    // Every entry is stored while Slack is still refusing: append never waits for the mirror.
    expect(await log.latest(40)).toHaveLength(40);
    expect(log.mirrorBacklog()).toBeGreaterThan(0);
    await eventually(async () => (log.mirrorBacklog() === 0 ? true : undefined), 20_000);
    const posts = inAudit();
    const lines = posts.flatMap((m) => m.text.split('\n'));
    expect(lines).toEqual(
      Array.from({ length: 40 }, (_, i) => formatAuditLine(AuditEntry.parse(denied(i + 1)))),
    );
    expect(posts.length).toBeLessThan(10);
    // Three 429s, each asking for a second: the first line got through no sooner than that.
    expect(postedAt(posts[0]!) - appended).toBeGreaterThanOrEqual(2900);
  });

  it('keeps to about one message a second per channel once the burst is spent', async () => {
    const created = Date.now();
    const log = auditLog({ burst: 2, intervalMs: 500 });
    // One at a time, each mirrored before the next: unpaced, they would be milliseconds apart.
    for (let n = 1; n <= 6; n++) {
      await log.append(denied(n));
      await eventually(async () => (log.mirrorBacklog() === 0 ? true : undefined), 10_000);
    }
    const times = inAudit().map(postedAt);
    // A bucket of 2 (full when the log is made) refilled every 500 ms: post k (from 0) cannot be sent before
    // (k - 1) × 500 ms. Measured from before the log existed, so a slow machine only makes the gaps longer.
    for (let k = 2; k < times.length; k++)
      expect(times[k]! - created).toBeGreaterThanOrEqual((k - 1) * 500 - 1);
    expect(inAudit().flatMap((m) => m.text.split('\n'))).toHaveLength(6);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const until = new Date(Date.now() + 3000);
    fx.faults.fail('slack', { status: 429, count: 1, retryAfter: until.toUTCString() });
    const log = auditLog();
    const appended = Date.now();
    await log.append(denied(1));
    const posted = await fx.slack.waitFor((m) => m.channel === AUDIT, 10_000);
    // The date has whole seconds: the wait is at least two of them, not the one-second default backoff.
    expect(postedAt(posted) - appended).toBeGreaterThanOrEqual(1900);
  });

  it('drains on close, and does not hang when Slack is gone', async () => {
    const log = auditLog({ burst: 1, intervalMs: 100 });
    for (let n = 1; n <= 30; n++) await log.append(denied(n));
    await log.close(10_000);
    expect(inAudit().flatMap((m) => m.text.split('\n'))).toHaveLength(30);

    fx.faults.setUnreachable('slack', true);
    const stuck = auditLog();
    await stuck.append(denied(99));
    await stuck.close(300);
    expect(stuck.mirrorBacklog()).toBe(1);
    expect((await stuck.latest(1))[0]?.detail).toBe('attempt 99');
  });
});
