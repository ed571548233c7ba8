import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log.js';
import { RefusalSummary } from '../../src/audit/refusal-summary.js';
import { systemClock } from '../../src/ports/clock.js';
import { RecordingChat } from '../support/recording-chat.js';
import { connect, eventually, uniquePrefix } from '../support/redis.js';

let redis: Redis;
beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await redis.quit();
});

function setUp(intervalMs: number) {
  const chat = new RecordingChat();
  const audit = new AuditLog({
    redis,
    prefix: uniquePrefix('refusals'),
    mirror: { chat, channel: 'C0AUDIT', intervalMs: 10 },
  });
  const summary = new RefusalSummary({ audit, clock: systemClock, intervalMs });
  const refusals = async () => (await audit.latest(100)).filter((e) => e.action === 'request.verify');
  return { chat, audit, summary, refusals };
}

describe('refusals before authentication', () => {
  it('records the first of each reason at once and the rest as one summary per window', async () => {
    const { chat, audit, summary, refusals } = setUp(300);
    for (let i = 0; i < 500; i++) summary.record({ reason: 'bad-signature', remoteAddress: '203.0.113.7' });
    for (let i = 0; i < 3; i++) summary.record({ reason: 'oversized', remoteAddress: '203.0.113.9' });
    // However busy the machine, the window ends with three entries: two samples, then one summary.
    const [latest, ...samples] = await eventually(async () => {
      const all = await refusals();
      return all.length === 3 ? all : undefined;
    });
    expect(samples.map((e) => e.detail).sort()).toEqual([
      'bad-signature from 203.0.113.7; repeats are counted and summarised every 0.3 s',
      'oversized from 203.0.113.9; repeats are counted and summarised every 0.3 s',
    ]);
    expect(latest).toMatchObject({ actor: 'unknown', outcome: 'denied' });
    expect(latest!.detail).toBe(
      '503 requests refused before authentication in the last 0.3 s: bad-signature 500, oversized 3; latest from 203.0.113.9',
    );
    await summary.close();
    await audit.close(2000);
    expect(chat.posts().flatMap((p) => p.text.split('\n'))).toHaveLength(3);
  });

  it('after a quiet window, the next refusal is recorded at once again', async () => {
    const { audit, summary, refusals } = setUp(100);
    summary.record({ reason: 'bad-signature', remoteAddress: '198.51.100.1' });
    summary.record({ reason: 'bad-signature', remoteAddress: '198.51.100.1' });
    // The summary of the busy window, then a window with nothing in it.
    await eventually(async () => ((await refusals()).length === 2 ? true : undefined));
    await new Promise<void>((resolve) => {
      const check = () => (summary.isQuiet() ? resolve() : setTimeout(check, 20));
      check();
    });
    summary.record({ reason: 'bad-signature', remoteAddress: '198.51.100.2' });
    await eventually(async () => ((await refusals()).length === 3 ? true : undefined));
    expect((await refusals())[0]!.detail).toMatch(/^bad-signature from 198\.51\.100\.2;/);
    await summary.close();
    await audit.close(0);
  });

  it('writes the open window on close, so a shutdown loses no count', async () => {
    const { audit, summary, refusals } = setUp(60_000);
    for (let i = 0; i < 4; i++) summary.record({ reason: 'stale-timestamp', remoteAddress: undefined });
    await summary.close();
    const [latest] = await refusals();
    expect(latest!.detail).toBe(
      '4 requests refused before authentication in the last minute: stale-timestamp 4; latest from ?',
    );
    await audit.close(0);
  });
});
