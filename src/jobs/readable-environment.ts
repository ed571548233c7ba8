import type { CommandRequest } from '../handlers/command-request.js';
import type { Environment } from '../inventory/schema.js';
import { environmentOf, type JobDeps } from './job-deps.js';
import { auditReadDenied } from './ops/audit-read-denied.js';

/**
 * The environment a read targets (`--env`, else the channel's), if the caller holds a role there. The
 * handler checked the role where the command was typed; `--env` may name another environment, so without
 * a role there the caller is told, the refusal is audited, and undefined comes back.
 */
export async function readableEnvironment(
  deps: Pick<JobDeps, 'environments' | 'roles' | 'chat' | 'audit' | 'clock'>,
  request: CommandRequest,
  envArg: string | undefined,
  /** The command as the refusal names it, e.g. `/ops status`; and the audit action. */
  what: { command: string; action: string },
): Promise<Environment | undefined> {
  const env = environmentOf(deps, envArg ?? request.env);
  if ((await deps.roles.roleOf(env, request.user)) !== 'none') return env;
  await deps.chat.postEphemeral({
    channel: request.channel,
    user: request.user,
    text: `:no_entry: \`${what.command} --env ${env.name}\` needs the *viewer* role in ${env.name}; you have no opsbot role in ${env.name}. Nothing was shown.`,
  });
  await auditReadDenied(deps, request, what.action, env.name, `no role in ${env.name}`);
  return undefined;
}
