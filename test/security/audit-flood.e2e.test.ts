import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/audit/audit-entry.js';
import { postSlashCommand } from '../../src/sandbox/slack/send-to-bot.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { redisUrl } from '../support/redis.js';
import { startE2E } from '../support/start-e2e.js';

let sandbox: Sandbox;
let stopped = false;
beforeAll(async () => {
  sandbox = (await startE2E()).sandbox;
});
afterAll(async () => {
  if (!stopped) await sandbox.close();
});

const FORGED = 790;
const STALE = 10;

/** Sends `n` requests, `concurrency` at a time; returns the HTTP statuses seen. */
async function flood(
  n: number,
  concurrency: number,
  send: (i: number) => Promise<number>,
): Promise<Set<number>> {
  const statuses = new Set<number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) statuses.add(await send(next++));
    }),
  );
  return statuses;
}

describe('a flood of unauthenticated requests', () => {
  it('neither evicts nor buries the audit trail, and reaches the audit channel as a summary', async () => {
    const { slack } = sandbox.state;
    const auditChannel = sandbox.sim.env.slack.auditChannel!;
    // Real actions first: a change requested and a refusal, both audited and mirrored.
    await sandbox.slack.command('operator', '/ops notice before the flood');
    await sandbox.slack.command('viewer', '/ops notice not allowed');
    await sandbox.slack.settle();
    const real = await sandbox.bot!.deps.audit.latest(10);
    const realIds = real.map((e) => e.id);
    expect(real.some((e) => e.outcome === 'denied' && e.actor === slack.users.viewer)).toBe(true);
    const postedBefore = sandbox.slack.messages().filter((m) => m.channel === auditChannel).length;

    const fields = sandbox.sim.slack.newSlashCommand({
      command: '/ops',
      text: 'status',
      userId: slack.users.admin!,
      channelId: slack.channelId,
    });
    const statuses = await flood(FORGED + STALE, 20, async (i) => {
      const stale = i % (FORGED / STALE + 1) === 0;
      const reply = await postSlashCommand(
        slack.eventsUrl,
        stale ? slack.signingSecret : `forged-${i}`,
        fields,
        stale ? { timestampSec: Math.floor(Date.now() / 1000) - 3600 } : {},
      );
      return reply.status;
    });
    expect([...statuses]).toEqual([401]);
    await sandbox.slack.settle();

    // The real entries are still the newest but for one sample per kind of refusal.
    const after = await sandbox.bot!.deps.audit.latest(realIds.length + 2);
    const samples = after.filter((e) => e.action === 'request.verify').map((e) => e.detail.split(' ')[0]);
    expect(samples.sort()).toEqual(['bad-signature', 'stale-timestamp']);
    expect(after.map((e) => e.id).filter((id) => realIds.includes(id))).toEqual(realIds);
    const metrics = await sandbox.bot!.metrics.registry.metrics();
    expect(metrics).toContain(`opsbot_requests_refused_total{reason="bad-signature"} ${FORGED}`);
    expect(metrics).toContain(`opsbot_requests_refused_total{reason="stale-timestamp"} ${STALE}`);

    // Stopping the bot closes the window: its summary is stored and mirrored, then nothing more.
    const prefix = sandbox.botEnv.REDIS_PREFIX;
    await sandbox.close();
    stopped = true;
    const redis = new Redis(redisUrl());
    try {
      const rows = await redis.xrevrange(`${prefix}:audit`, '+', '-', 'COUNT', 20);
      const entries = rows.map(([, f]) => AuditEntry.parse(JSON.parse(f[f.indexOf('entry') + 1]!)));
      const refusals = entries.filter((e) => e.action === 'request.verify');
      expect(refusals).toHaveLength(3);
      expect(refusals[0]!.detail).toMatch(
        new RegExp(
          `^${FORGED + STALE} requests refused before authentication in the last minute: bad-signature ${FORGED}, stale-timestamp ${STALE}; latest from `,
        ),
      );
    } finally {
      redis.disconnect();
    }
    const mirrored = sandbox.slack
      .messages()
      .filter((m) => m.channel === auditChannel)
      .slice(postedBefore);
    const lines = mirrored.flatMap((m) => m.text.split('\n'));
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.startsWith('denied: request.verify by unknown'))).toBe(true);
  }, 90_000);
});
