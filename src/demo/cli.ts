import { resolve } from 'node:path';
import { loadInventory } from '../inventory/load-inventory.js';
import { sandboxSlackDirectory } from '../sandbox/slack-directory.js';
import { checkRedisUrl, findRedisServer, REDIS_SERVER_MISSING } from '../sandbox/start-local-redis.js';
import { checkDemoUser, DEMO_USAGE, parseDemoArgs } from './parse-demo-args.js';

// `npm run demo`: the bot against the embedded sandbox, driven from a prompt or `--exec` lines.
// Every mistake in the command line is answered before anything starts, with the usage and exit 2.
const parsed = parseDemoArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  console.log(DEMO_USAGE);
  process.exit(0);
}
if (parsed.kind === 'usage-error') usageError(parsed.message);
const args = parsed.args;
const environment = (await loadInventory(resolve('infra'))).get('ai.coder.com');
if (!environment) fatal('no environment "ai.coder.com" in infra/environments');
const badUser = checkDemoUser(args.as, Object.keys(sandboxSlackDirectory(environment).users));
if (badUser) usageError(`${badUser} (--as)`);
const redisProblem = process.env.REDIS_URL
  ? await checkRedisUrl(process.env.REDIS_URL)
  : findRedisServer()
    ? undefined
    : REDIS_SERVER_MISSING;
if (redisProblem) fatal(redisProblem);

// Only now the heavy part (SDKs, servers), so that a mistake above is answered at once.
const { runDemo } = await import('./run-demo.js');
await runDemo(args);

function usageError(message: string): never {
  console.error(`opsbot demo: ${message}\n\n${DEMO_USAGE}`);
  process.exit(2);
}

function fatal(message: string): never {
  console.error(`opsbot demo: ${message}`);
  process.exit(1);
}
