import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { startLocalRedis } from '../sandbox/start-local-redis.js';
import { startSandbox } from '../sandbox/start-sandbox.js';
import { DemoSession } from './demo-session.js';

// `npm run demo`: the bot against the embedded sandbox, driven from a prompt or `--exec` lines.
const { values } = parseArgs({
  options: { exec: { type: 'string', multiple: true }, as: { type: 'string' } },
  allowPositionals: false,
});
const redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
const sandbox = await startSandbox({
  redisUrl: process.env.REDIS_URL ?? redis!.url,
  redisPrefix: `opsbot-demo-${process.pid}`,
  logLevel: process.env.LOG_LEVEL ?? 'error',
});
let crashed = false;
process.on('uncaughtException', (err) => {
  crashed = true;
  console.error(`opsbot crashed: ${err.stack ?? err.message}`);
});
const session = new DemoSession(sandbox, (text) => console.log(text), values.as ?? 'operator');

async function shutdown(code: number): Promise<never> {
  await sandbox.close();
  await redis?.stop();
  process.exit(code);
}

if (values.exec?.length) {
  for (const line of values.exec) {
    console.log(`${session.prompt}${line}`);
    if (!(await session.run(line))) break;
  }
  await shutdown(crashed || session.internalErrors > 0 ? 1 : 0);
}

console.log(
  `opsbot demo: ${sandbox.sim.env.name} simulated locally. Type help for the shell's commands, /ops help for the bot's.`,
);
// Lines are taken one at a time, so piped input waits for each command's jobs before the next.
const rl = createInterface({
  input: process.stdin,
  output: process.stdout,
  terminal: Boolean(process.stdin.isTTY),
});
process.stdout.write(session.prompt);
for await (const line of rl) {
  if (!process.stdin.isTTY) console.log(line);
  if (!(await session.run(line))) break;
  process.stdout.write(session.prompt);
}
rl.close();
console.log('');
await shutdown(crashed || session.internalErrors > 0 ? 1 : 0);
