import { parseArgs } from 'node:util';

export const DEMO_USAGE = `usage: npm run demo [-- [--as <role>] [--in <channel>] [--exec '<line>' …] [--state-dir <dir>]]

Without --exec: an interactive shell (type help in it). With --exec: runs the lines in order, waits
for the jobs each starts, prints the transcript and exits 1 if a line failed (the bot crashed or
reported an internal error or an HTTP error, an unknown shell command, a button that is not there);
a command the bot or Slack refuses is not a failure.

  --exec '<line>'    a shell line: a slash command, as <role>, in <channel>, click <N>, advance <duration>, …
  --as <role>        act as admin, operator (default), operator2, viewer or outsider
  --in <channel>     ops (default), or other: a channel opsbot must refuse
  --state-dir <dir>  write state.json and kubeconfig there (default: $OPSBOT_SANDBOX_DIR or .sandbox for
                     the interactive shell, <dir>/<pid> when a running demo or sandbox owns it; none with --exec)
  -h, --help         this text

Environment: REDIS_URL (unset: a redis-server is started and stopped), LOG_LEVEL (default error).`;

/** The channels a demo user can speak in. */
export const DEMO_CHANNELS = { ops: 'ops', other: 'other', random: 'other' } as const;
export type DemoChannel = 'ops' | 'other';

export interface DemoArgs {
  exec: string[];
  as: string;
  in: DemoChannel;
  stateDir?: string;
}

export type ParsedDemoArgs =
  | { kind: 'run'; args: DemoArgs }
  | { kind: 'help' }
  | { kind: 'usage-error'; message: string };

/** The command line of `npm run demo`, checked before anything is started. */
export function parseDemoArgs(argv: string[]): ParsedDemoArgs {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (err) {
    return { kind: 'usage-error', message: argumentError(err) };
  }
  const { values } = parsed;
  if (values.help) return { kind: 'help' };
  const channel = demoChannel(values.in ?? 'ops');
  if (!channel)
    return {
      kind: 'usage-error',
      message: `unknown channel "${values.in}" for --in: one of ${Object.keys(DEMO_CHANNELS).join(', ')}`,
    };
  return {
    kind: 'run',
    args: {
      exec: values.exec ?? [],
      as: values.as ?? 'operator',
      in: channel,
      ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
    },
  };
}

/** What only the loaded sandbox knows (its users); undefined when the arguments are fine. */
export function checkDemoUser(role: string, roles: string[]): string | undefined {
  return roles.includes(role) ? undefined : `unknown user "${role}": one of ${roles.join(', ')}`;
}

export function demoChannel(name: string): DemoChannel | undefined {
  return Object.hasOwn(DEMO_CHANNELS, name) ? DEMO_CHANNELS[name as keyof typeof DEMO_CHANNELS] : undefined;
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      exec: { type: 'string', multiple: true },
      as: { type: 'string' },
      in: { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
}

/** node:util's messages, without its advice about `--` (a demo line is always given to --exec). */
function argumentError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const option = /'(-[^']*)'/.exec(e.message ?? '')?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(e.message ?? '')?.[1] ?? ''}: give shell lines with --exec '<line>'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return (e.message ?? 'invalid option value').replace(/^Option /, 'option ');
    default:
      return e.message ?? String(err);
  }
}
