import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRedis, startLocalRedis } from '../../src/sandbox/start-local-redis.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startE2E } from '../support/start-e2e.js';

// Its own redis-server, so stopping it does not disturb the other test files.
let redis: LocalRedis;
let sandbox: Sandbox;

beforeAll(async () => {
  redis = await startLocalRedis();
  sandbox = (await startE2E({ redisUrl: redis.url })).sandbox;
});
afterAll(async () => {
  await Promise.race([sandbox.close(), new Promise((r) => setTimeout(r, 5000))]);
  await redis.stop();
});

describe('with Redis down', () => {
  it('answers within Slack’s 3 s that nothing was done, and /readyz fails while /healthz stays up', async () => {
    const base = sandbox.state.slack.eventsUrl.replace('/slack/events', '');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await redis.stop();
    const ack = await sandbox.slack.command('operator', '/ops status');
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);
    expect(ack.text).toContain('The job queue is unavailable, so nothing was done');
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
