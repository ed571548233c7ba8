import { clearLine, createInterface, cursorTo } from 'node:readline';
import { claimStateDir, type StateDirClaim } from '../sandbox/claim-state-dir.js';
import { type LocalRedis, LocalRedisError, startLocalRedis } from '../sandbox/start-local-redis.js';
import { type Sandbox, startSandbox } from '../sandbox/start-sandbox.js';
import { DemoSession } from './demo-session.js';
import type { DemoArgs } from './parse-demo-args.js';

/** Starts Redis (unless REDIS_URL), the sandbox and the bot, runs the shell, stops everything, exits. */
export async function runDemo(args: DemoArgs): Promise<never> {
  const interactive = args.exec.length === 0;
  let redis: LocalRedis | undefined;
  let sandbox: Sandbox | undefined;
  let session: DemoSession | undefined;
  let claim: StateDirClaim | undefined;
  let stopping = false;

  async function shutdown(code: number): Promise<never> {
    if (!stopping) {
      stopping = true;
      session?.stop();
      await sandbox?.close().catch(() => {});
      await redis?.stop().catch(() => {});
      claim?.release();
    }
    process.exit(code);
  }
  process.on('SIGTERM', () => void shutdown(143));
  process.on('SIGHUP', () => void shutdown(129));
  process.on('SIGINT', () => void shutdown(130));

  let crashed = false;
  const crash = (err: unknown) => {
    crashed = true;
    console.error(`opsbot crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  // Only the interactive shell (or --state-dir) writes state, and never over a running demo's or sandbox's.
  const stateDir =
    args.stateDir ?? (interactive ? (process.env.OPSBOT_SANDBOX_DIR ?? '.sandbox') : undefined);
  try {
    if (stateDir) claim = claimStateDir(stateDir);
    redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
    sandbox = await startSandbox({
      redisUrl: process.env.REDIS_URL ?? redis!.url,
      redisPrefix: `opsbot-demo-${process.pid}`,
      stateDir: claim?.dir ?? null,
      logLevel: process.env.LOG_LEVEL ?? 'error',
      // As `npm run sandbox`: a fault injected through the control API shows as an alert within a minute.
      alertEverySeconds: 15,
    });
  } catch (err) {
    console.error(
      `opsbot demo: ${err instanceof LocalRedisError ? err.message : `could not start: ${(err as Error).message}`}`,
    );
    await shutdown(1);
  }
  const started = sandbox!;

  if (!interactive) {
    session = new DemoSession(started, (text) => console.log(text), { role: args.as, channel: args.in });
    let failed: string | undefined;
    for (const [i, line] of args.exec.entries()) {
      console.log(`${session.prompt}${line}`);
      const outcome = await session.run(line);
      if (outcome.failed) {
        failed = `--exec line ${i + 1} failed: ${outcome.failed}`;
        break;
      }
      if (outcome.quit) break;
    }
    session.stop();
    if (failed) console.error(`opsbot demo: ${failed}; later lines were not run`);
    await shutdown(failed || crashed || session.internalErrors > 0 ? 1 : 0);
  }

  const tty = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
  let atPrompt = false;
  // Messages that arrive while the prompt waits (reminders, reverts, alerts) print above it.
  const print = (text: string) => {
    if (!atPrompt) console.log(text);
    else if (tty) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
      console.log(text);
      rl.prompt(true);
    } else process.stdout.write(`\n${text}\n${rl.getPrompt()}`);
  };
  session = new DemoSession(started, print, { role: args.as, channel: args.in });
  console.log(
    `opsbot demo: ${started.sim.env.name} simulated locally. Type help for the shell's commands, /ops help for the bot's.`,
  );
  if (claim)
    console.log(
      `State (endpoints, credentials, kubeconfig): ${claim.dir}/state.json${claim.ownedBy ? ` (${stateDir} belongs to running process ${claim.ownedBy})` : ''}`,
    );
  rl.on('SIGINT', () => (atPrompt ? rl.close() : void shutdown(130)));
  const showPrompt = () => {
    rl.setPrompt(session!.prompt);
    rl.prompt();
    atPrompt = true;
  };
  showPrompt();
  // Lines are taken one at a time, so piped input waits for each command's jobs before the next.
  for await (const line of rl) {
    atPrompt = false;
    if (!tty) console.log(line);
    if ((await session.run(line)).quit) break;
    showPrompt();
  }
  atPrompt = false;
  rl.close();
  session.stop();
  console.log('');
  return shutdown(crashed || session.internalErrors > 0 ? 1 : 0);
}
