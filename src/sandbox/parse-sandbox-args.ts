import { parseArgs } from 'node:util';

export const SANDBOX_USAGE = `usage: npm run sandbox [-- [--nodes <n>] [--pods <n>] [--cluster <id>]]

Starts the simulated ai.coder.com (Slack, three EKS clusters, Cloudflare, AWS, GHCR/ECR, Coder, LiteLLM)
and the bot, writes state.json (endpoints, credentials, kubeconfig) and runs until Ctrl-C.

  --nodes <n>     seed one cluster with n more nodes (as the control API's kube/seed)
  --pods <n>      and n pods spread over them, generated as they are read
  --cluster <id>  the cluster to seed (default: the control plane)
  -h, --help      this text

Environment: REDIS_URL (unset: a redis-server is started and stopped), OPSBOT_SANDBOX_DIR (default
.sandbox), OPSBOT_ENVIRONMENT, SLACK_MODE=socket, LOG_LEVEL (default warn).`;

export interface ScaleSeed {
  nodes: number;
  pods: number;
  cluster?: string;
}

export type ParsedSandboxArgs =
  | { kind: 'run'; scale?: ScaleSeed }
  | { kind: 'help' }
  | { kind: 'usage-error'; message: string };

/** The command line of `npm run sandbox`, checked before anything is started. */
export function parseSandboxArgs(argv: string[]): ParsedSandboxArgs {
  let values: { nodes?: string; pods?: string; cluster?: string; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        nodes: { type: 'string' },
        pods: { type: 'string' },
        cluster: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (err) {
    return { kind: 'usage-error', message: argumentError(err) };
  }
  if (values.help) return { kind: 'help' };
  if (values.nodes === undefined && values.pods === undefined) {
    if (values.cluster !== undefined)
      return { kind: 'usage-error', message: '--cluster names the cluster to seed: give --nodes or --pods' };
    return { kind: 'run' };
  }
  const nodes = count(values.nodes);
  const pods = count(values.pods);
  if (nodes === undefined) return { kind: 'usage-error', message: '--nodes must be a whole number' };
  if (pods === undefined) return { kind: 'usage-error', message: '--pods must be a whole number' };
  return { kind: 'run', scale: { nodes, pods, ...(values.cluster ? { cluster: values.cluster } : {}) } };
}

function count(text: string | undefined): number | undefined {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** node:util's messages, without its advice about `--`. */
function argumentError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const quoted = /'([^']*)'/.exec(e.message ?? '')?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`.trim();
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return (e.message ?? 'invalid option value').replace(/^Option /, 'option ');
    default:
      return e.message ?? String(err);
  }
}
