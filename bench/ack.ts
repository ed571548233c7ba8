import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { postSlashCommand } from '../src/sandbox/slack/send-to-bot.js';
import { startLocalRedis } from '../src/sandbox/start-local-redis.js';
import { startSandbox } from '../src/sandbox/start-sandbox.js';
import { bareServer } from './bare-server.js';

// Ack latency of the real bot (signature check, parse, role lookup, Redis enqueue, audit) under a burst of
// signed slash commands, beside a bare node:http handler that only verifies the signature and answers.
const TOTAL = Number(process.env.BENCH_COMMANDS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

interface Result {
  name: string;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
  errors: number;
}

async function burst(name: string, send: (i: number) => Promise<number>): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) {
        const i = next++;
        const t0 = performance.now();
        const status = await send(i);
        latencies.push(performance.now() - t0);
        if (status !== 200) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { name, p50: at(0.5), p99: at(0.99), max: latencies.at(-1)!, perSecond: TOTAL / seconds, errors };
}

const redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
const sandbox = await startSandbox({
  redisUrl: process.env.REDIS_URL ?? redis!.url,
  redisPrefix: `bench-${process.pid}`,
  stateDir: null,
  logLevel: 'silent',
});
const { slack } = sandbox.state;
const fields = (i: number) =>
  sandbox.sim.slack.newSlashCommand({
    command: '/ops',
    text: i % 2 ? 'jobs' : 'audit 5',
    userId: slack.users.operator!,
    channelId: slack.channelId,
  });
// Warm up connections, role cache and JIT before measuring.
for (let i = 0; i < 20; i++) await postSlashCommand(slack.eventsUrl, slack.signingSecret, fields(i));
await sandbox.slack.settle(60_000).catch(() => {});

const bare = await bareServer(slack.signingSecret);
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/slack/events`;
const results = [
  await burst(
    'bare node:http (verify + answer)',
    async (i) => (await postSlashCommand(bareUrl, slack.signingSecret, fields(i))).status,
  ),
  await burst(
    'opsbot (verify, parse, authorize, enqueue, ack)',
    async (i) => (await postSlashCommand(slack.eventsUrl, slack.signingSecret, fields(i))).status,
  ),
];

console.log(
  `\nCLOSED LOOP, in-process bot: ack latency of ${TOTAL} signed slash commands, ${CONCURRENCY} in flight, one machine (client and server share the CPU)\n`,
);
console.log(
  'handler                                           p50 ms   p99 ms   max ms   commands/s  errors',
);
for (const r of results)
  console.log(
    `${r.name.padEnd(48)} ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}  ${r.max.toFixed(1).padStart(7)}  ${r.perSecond.toFixed(0).padStart(11)}  ${String(r.errors).padStart(6)}`,
  );

bare.close();
await sandbox.slack.settle(120_000).catch(() => {});
await sandbox.close();
await redis?.stop();
process.exit(0);
