// `npm run chaos [-- --scenario NAME] [-- --fuzz N --seed S]`: long chaos scenarios against the sandbox, one
// line each (requests, expected, observed, lost, doubled, stuck, p99 ack, then scenario counts); exits 1 if any
// request was lost, doubled or stuck (or a user was told something false, an ack was late, the bot crashed).
// Traffic stays on 127.0.0.1. Starts its own redis-server unless REDIS_URL is set (redis-restart always does).
import { parseArgs } from 'node:util';
import { startLocalRedis } from '../../src/sandbox/start-local-redis.js';
import { alertSoak } from './scenarios/alert-soak.js';
import { fuzz } from './scenarios/fuzz.js';
import { type ChaosResult, failed, formatResult } from './scenarios/kit.js';
import { redisRestart } from './scenarios/redis-restart.js';
import { retryStorm } from './scenarios/retry-storm.js';
import { slack429 } from './scenarios/slack-429.js';
import { slowRedis } from './scenarios/slow-redis.js';
import { workerKill } from './scenarios/worker-kill.js';

const USAGE = `npm run chaos -- [--scenario NAME]… [--fuzz N] [--seed S] [--commands N] [--rate R] [--kills K]
                     [--plans P] [--hours H] [--faults F] [--verbose] [--keep-logs]`;

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    fuzz: { type: 'string' },
    seed: { type: 'string' },
    commands: { type: 'string' },
    rate: { type: 'string' },
    kills: { type: 'string' },
    plans: { type: 'string' },
    hours: { type: 'string' },
    faults: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'keep-logs': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values['keep-logs']) process.env.CHAOS_KEEP_LOGS = '1';
/** A positive number flag, or undefined when absent; anything else stops the run. */
const num = (name: keyof typeof values): number | undefined => {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const seed = num('seed') ?? 1;
const progress = values.verbose ? (line: string) => console.error(`  … ${line}`) : undefined;
const given = <K extends string>(key: K, value: number | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, number>>;

type Runner = (redisUrl: string) => Promise<ChaosResult>;
// In the order they run by default; each is bounded in count and time.
const SCENARIOS: Record<string, Runner> = {
  'retry-storm': (redisUrl) =>
    retryStorm({
      redisUrl,
      seed,
      progress,
      ...given('commands', num('commands')),
      ...given('rate', num('rate')),
    }),
  'worker-kill': (redisUrl) => workerKill({ redisUrl, seed, progress, ...given('kills', num('kills')) }),
  'redis-restart': () =>
    redisRestart({ progress, ...given('commands', num('commands')), ...given('rate', num('rate')) }),
  'slow-redis': (redisUrl) => slowRedis({ redisUrl }),
  'slack-429': (redisUrl) => slack429({ redisUrl, seed, progress, ...given('plans', num('plans')) }),
  fuzz: (redisUrl) => fuzz({ redisUrl, seed, progress, ...given('requests', num('fuzz')) }),
  // 24 simulated hours of alert checks at the inventory's schedule, random faults injected and cleared.
  'alert-soak': (redisUrl) =>
    alertSoak({
      redisUrl,
      seed,
      progress,
      ...given('hours', num('hours')),
      ...given('faults', num('faults')),
    }),
};

const chosen = values.scenario ?? (values.fuzz ? ['fuzz'] : Object.keys(SCENARIOS));
for (const name of chosen)
  if (!SCENARIOS[name]) {
    console.error(`unknown scenario "${name}" (have: ${Object.keys(SCENARIOS).join(', ')})`);
    process.exit(2);
  }

const redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
const redisUrl = process.env.REDIS_URL ?? redis!.url;
let bad = false;
try {
  for (const name of chosen) {
    const started = Date.now();
    let r: ChaosResult;
    try {
      r = await SCENARIOS[name]!(redisUrl);
    } catch (err) {
      bad = true;
      console.log(
        `${name.padEnd(13)} CRASHED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      continue;
    }
    console.log(`${formatResult(r)}  [${Math.round((Date.now() - started) / 1000)}s]`);
    if (failed(r) || values.verbose) for (const note of r.notes.slice(0, 30)) console.log(`    ${note}`);
    bad ||= failed(r);
  }
} finally {
  await redis?.stop();
}
process.exit(bad ? 1 : 0);
