import { afterAll, beforeAll, describe, it } from 'vitest';
import { type LocalRedis, startLocalRedis } from '../../src/sandbox/start-local-redis.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { type DelayProxy, startDelayProxy } from '../support/delay-proxy.js';
import { startE2E } from '../support/start-e2e.js';
import { ackShot, expectGolden } from './golden-kit.js';

// The two acks of a queue outage, with a real Redis of this file's own: slowed past the ack budget by a
// delaying TCP proxy ("may have been queued"), then stopped ("nothing was done").
let redis: LocalRedis;
let proxy: DelayProxy;
let sandbox: Sandbox;

beforeAll(async () => {
  redis = await startLocalRedis();
  proxy = await startDelayProxy(redis.url, 0);
  sandbox = (await startE2E({ redisUrl: proxy.url, logLevel: 'silent' })).sandbox;
  // Warm: the role lookup and the connections are made while Redis is fast.
  await sandbox.slack.command('operator', '/scale recommend 10');
  await sandbox.slack.settle();
});
afterAll(async () => {
  // Closing a bot whose Redis is gone may wait on reconnects: give it a few seconds, no more.
  await Promise.race([sandbox?.close(), new Promise((r) => setTimeout(r, 5000))]);
  await proxy?.close();
  await redis?.stop();
});

describe('queue outage acks', () => {
  it('Redis too slow for the ack budget: it may have been queued', async () => {
    proxy.setDelay(1_250);
    try {
      const ack = await sandbox.slack.command('operator', '/scale recommend 20');
      await expectGolden('ack-queue-maybe', ackShot(sandbox, 'operator', ack));
    } finally {
      proxy.setDelay(0);
    }
    await sandbox.slack.settle();
  });

  it('Redis down: nothing was done', async () => {
    await redis.stop();
    const ack = await sandbox.slack.command('operator', '/scale recommend 30');
    await expectGolden('ack-queue-down', ackShot(sandbox, 'operator', ack));
  });
});
