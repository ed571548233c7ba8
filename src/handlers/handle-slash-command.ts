import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { allOpsChannels, environmentForChannel } from '../access/environment-for-channel.js';
import type { AuditEntryInput } from '../audit/audit-entry.js';
import { type PlannedChange, roleAllows, usageLine } from '../commands/command-spec.js';
import { type ParsedCommand, parseCommand } from '../commands/parse-command.js';
import { renderHelp } from '../commands/render-help.js';
import { UsageError } from '../commands/usage-error.js';
import { UserError } from '../errors/user-error.js';
import type { Environment, Role } from '../inventory/schema.js';
import { AccessDeniedError } from '../plans/access-rules.js';
import { submitChange } from '../plans/submit-change.js';
import type { Blocks } from '../ports/chat.js';
import type { EnqueueResult } from '../queue/create-queue.js';
import { code } from '../slack-text/code.js';
import { attemptedAction, runAction } from './audit-action.js';
import type { HandlerDeps } from './command-deps.js';
import type { CommandRequest } from './command-request.js';
import { FORM_OPENERS } from './forms/form-openers.js';
import type { FormOpening } from './forms/form-opening.js';
import { MAYBE_QUEUED, QUEUE_DOWN, queueOutage } from './queue-outage.js';
import { requestJobId } from './request-job-id.js';
import { createDeadline, type Deadline, TimeoutError, withTimeout } from './with-timeout.js';

interface Decision {
  text: string;
  /** Ack with an empty body: Slack shows nothing (a form opened instead). */
  silent?: boolean;
  blocks?: Blocks;
  audit: Omit<AuditEntryInput, 'at' | 'actor' | 'channel'>;
  denied?: string;
}

type SlashArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type OpenView = FormOpening['open'];

/** Parse → authorize → enqueue → ack, for every registered slash command. Never touches a cloud. */
export function createSlashCommandHandler(deps: HandlerDeps) {
  return async ({ command, ack, client }: SlashArgs): Promise<void> => {
    const started = performance.now();
    deps.metrics.commandsReceived.inc({ command: command.command });
    const openView: OpenView = (view) => client.views.open({ trigger_id: command.trigger_id, view });
    let decision: Decision;
    try {
      decision = await decide(deps, command, createDeadline(deps.ackBudgetMs ?? 2000, started), openView);
    } catch (err) {
      const ref = requestJobId('ref', command.trigger_id);
      deps.logger.error({ err, ref, command: command.command }, 'slash command handler failed');
      decision = {
        text: `:x: internal error, ref ${ref}; nothing was done.`,
        audit: {
          action: attemptedAction(deps.registry, command.command, command.text),
          outcome: 'failed',
          detail: `ref ${ref}`,
        },
      };
    }
    if (decision.silent) await ack();
    else
      await ack({
        response_type: 'ephemeral',
        text: decision.text,
        ...(decision.blocks ? { blocks: decision.blocks } : {}),
      });
    deps.metrics.ackLatency.observe((performance.now() - started) / 1000);
    deps.metrics.commandsAcked.inc({ command: command.command, outcome: decision.audit.outcome });
    if (decision.denied) deps.metrics.commandsDenied.inc({ reason: decision.denied });
    // Audited after the ack: the trail must not cost the user latency, and its failure must not block them.
    const entry: AuditEntryInput = {
      at: deps.clock.now(),
      actor: command.user_id,
      channel: command.channel_id,
      ...decision.audit,
    };
    deps.audit.append(entry).catch((err: unknown) => deps.logger.warn({ err, entry }, 'audit append failed'));
  };
}

async function decide(
  deps: HandlerDeps,
  command: SlashArgs['command'],
  deadline: Deadline,
  openView: OpenView,
): Promise<Decision> {
  const action = attemptedAction(deps.registry, command.command, command.text);
  const env = environmentForChannel(deps.environments, command.channel_id);
  if (!env) {
    const where = allOpsChannels(deps.environments)
      .map((c) => `<#${c}>`)
      .join(', ');
    return {
      text: `:no_entry: opsbot takes commands only in its ops channel${where ? ` (${where})` : ''}. Nothing was done.`,
      audit: { action, outcome: 'denied', detail: 'wrong channel' },
      denied: 'wrong-channel',
    };
  }
  let parsed: ParsedCommand;
  try {
    parsed = parseCommand(deps.registry, command.command, command.text);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const usage = err.usage ? `\nUsage: \`${err.usage}\`` : `\nTry \`${command.command} help\`.`;
    return {
      text: `:warning: ${err.message}${/[.?!]$/.test(err.message) ? '' : '.'}${usage}`,
      audit: { action, environment: env.name, outcome: 'invalid', detail: err.message },
      denied: 'invalid',
    };
  }
  let role: Role | 'none';
  try {
    role = await withTimeout(deps.roles.roleOf(env, command.user_id), deadline.left(), 'role lookup');
  } catch (err) {
    deps.logger.warn({ err }, 'role lookup failed');
    return {
      text: ':x: Could not check your access right now (Slack user groups unavailable). Nothing was done; try again shortly.',
      audit: { action, environment: env.name, outcome: 'failed', detail: 'role lookup failed' },
    };
  }
  if (parsed.kind === 'help') {
    const scope = parsed.command.command === '/ops' ? deps.registry : [parsed.command];
    return {
      ...renderHelp(scope, role),
      audit: { action, environment: env.name, outcome: 'allowed', detail: 'help' },
    };
  }
  if (parsed.kind === 'form') return openForm(deps, command, { env, parsed, role, deadline, openView });
  return queueRequest(deps, command, { env, parsed, role, deadline });
}

/** The subcommand's minimum role is not met: what the user is told and the audit records. */
function roleRefusal(usage: string, minRole: Role, role: Role | 'none', env: Environment, action: string) {
  const have = role === 'none' ? `you have no opsbot role in ${env.name}` : `you are ${role}`;
  return {
    text: `:no_entry: \`${usage}\` needs the *${minRole}* role; ${have}. Nothing was done.`,
    audit: { action, environment: env.name, outcome: 'denied' as const, detail: `role ${role} < ${minRole}` },
    denied: 'role',
  };
}

/** A bare subcommand with a form (`/workshop prep`): the same role check, then the modal instead of usage. */
async function openForm(
  deps: HandlerDeps,
  command: SlashArgs['command'],
  a: {
    env: Environment;
    parsed: Extract<ParsedCommand, { kind: 'form' }>;
    role: Role | 'none';
    deadline: Deadline;
    openView: OpenView;
  },
): Promise<Decision> {
  const { env, parsed, role } = a;
  const usage = usageLine(parsed.command, parsed.sub);
  const action = runAction(deps.kinds, command.command, parsed.sub, undefined);
  if (role === 'none' || !roleAllows(role, parsed.sub.minRole))
    return roleRefusal(usage, parsed.sub.minRole, role, env, action);
  const opener = FORM_OPENERS[parsed.form];
  if (!opener) throw new Error(`no form named ${parsed.form}`);
  try {
    await opener(deps, {
      user: command.user_id,
      channel: command.channel_id,
      env,
      deadline: a.deadline,
      open: a.openView,
    });
    return {
      text: '',
      silent: true,
      audit: { action, environment: env.name, outcome: 'allowed', detail: 'form opened' },
    };
  } catch (err) {
    // Slack's own refusal (expired_trigger_id …) or no answer in time: the form did not open.
    const why = err instanceof TimeoutError ? 'Slack did not answer in time' : slackRefusal(err);
    if (!why) throw err;
    deps.logger.warn({ err, form: parsed.form }, 'could not open the form');
    return {
      text: `:x: Could not open the form (${why}). Nothing was done; try again, or give the arguments: \`${usage}\`.`,
      audit: { action, environment: env.name, outcome: 'failed', detail: `form not opened: ${why}` },
    };
  }
}

/** What a Slack Web API failure says (`Slack said expired_trigger_id`); undefined for anything else (a bug). */
function slackRefusal(err: unknown): string | undefined {
  const e = err as { code?: unknown; data?: { error?: unknown } } | undefined;
  if (e?.code === 'slack_webapi_platform_error') {
    const code = e.data?.error;
    return typeof code === 'string' && /^[a-z_]{1,60}$/.test(code)
      ? `Slack said ${code}`
      : 'Slack refused it';
  }
  if (typeof e?.code === 'string' && e.code.startsWith('slack_webapi_')) return 'Slack could not be reached';
  return undefined;
}

interface Authorized {
  env: Environment;
  parsed: Extract<ParsedCommand, { kind: 'run' }>;
  role: Role | 'none';
  deadline: Deadline;
}

/** The change a mutation plans, built from the arguments alone; a UserError here is malformed input. */
function buildChange(parsed: Authorized['parsed'], request: CommandRequest) {
  try {
    return { planned: parsed.sub.toChange?.(parsed.args, request) };
  } catch (err) {
    if (err instanceof UserError) return { error: err };
    throw err;
  }
}

/** Second half of the pipeline: the role check against the subcommand, then the enqueue. */
async function queueRequest(
  deps: HandlerDeps,
  command: SlashArgs['command'],
  a: Authorized,
): Promise<Decision> {
  const { env, parsed, role, deadline } = a;
  const usage = usageLine(parsed.command, parsed.sub);
  const jobId = requestJobId('cmd', command.trigger_id || `${command.user_id}/${command.text}`);
  const request: CommandRequest = {
    id: jobId,
    user: command.user_id,
    channel: command.channel_id,
    env: env.name,
    command: command.command,
    text: parsed.text,
    // Only used once the role check below has passed; 'viewer' just names a refused change.
    role: role === 'none' ? 'viewer' : role,
    at: deps.clock.now(),
  };
  const built = buildChange(parsed, request);
  // What the user attempted, as the plan will name it (`/scale provisioners 3` is `scale.apply`).
  const action = runAction(deps.kinds, command.command, parsed.sub, built.planned);
  const refusal = (text: string, detail: string, denied: string): Decision => ({
    text,
    audit: { action, environment: env.name, outcome: denied === 'invalid' ? 'invalid' : 'denied', detail },
    denied,
  });
  if (role === 'none' || !roleAllows(role, parsed.sub.minRole))
    return roleRefusal(usage, parsed.sub.minRole, role, env, action);
  const why = parsed.sub.refuse?.(parsed.args, { role, environments: deps.environments });
  if (why) return refusal(`:no_entry: ${why}. Nothing was done.`, why, 'policy');
  if (built.error)
    return refusal(`:warning: ${built.error.userText}\nNothing was done.`, built.error.message, 'invalid');
  try {
    const queued = await withTimeout(
      enqueueRequest(deps, parsed.sub.job, request, parsed.args, built.planned),
      deadline.left(),
      'enqueue',
    );
    const verb = queued.duplicate ? 'Already queued' : parsed.sub.toChange ? 'Planning' : 'Queued';
    const next = !parsed.sub.toChange
      ? ''
      : queued.incident
        ? ' Incident mode: it is applied now, without a second approval, and announced in the channel.'
        : ' The plan will appear in the channel for approval.';
    return {
      // What the user typed is shown as code, so a typed backtick cannot break out of it.
      text: `:hourglass_flowing_sand: ${verb} ${code(`${command.command} ${parsed.text}`)} as job \`${queued.jobId}\`.${next}`,
      audit: {
        action,
        environment: env.name,
        outcome: queued.duplicate ? 'duplicate' : 'requested',
        detail: parsed.text,
        jobId,
      },
    };
  } catch (err) {
    const outage = queueOutage(err);
    // The change kind's inventory checks (unknown target, out of bounds, admin-only): a refusal.
    if (!outage && err instanceof UserError) {
      const icon = err instanceof AccessDeniedError ? ':no_entry:' : ':warning:';
      return refusal(`${icon} ${err.userText}\nNothing was done.`, err.message, 'policy');
    }
    if (!outage) throw err;
    deps.logger.warn({ err, jobId }, 'enqueue failed');
    return {
      text: outage === 'maybe' ? `:warning: ${MAYBE_QUEUED}` : `:x: ${QUEUE_DOWN}`,
      audit: {
        action,
        environment: env.name,
        outcome: 'failed',
        detail: outage === 'maybe' ? 'queue too slow: may have been queued' : 'queue unavailable',
        jobId,
      },
    };
  }
}

/**
 * Mutations become a plan request (validated against their change kind); reads become their job.
 * `incident`: the change asked for incident mode (applied at once, no second approval).
 */
async function enqueueRequest(
  deps: HandlerDeps,
  job: string,
  request: CommandRequest,
  args: unknown,
  planned: PlannedChange | undefined,
): Promise<EnqueueResult & { incident?: boolean }> {
  if (planned) {
    const kind = deps.kinds.get(planned.kind);
    const change = kind?.change.parse(planned.change);
    kind?.precheck?.(change);
    const queued = await submitChange(deps, {
      kind: planned.kind,
      change: planned.change,
      environment: request.env,
      requester: request.user,
      channel: request.channel,
      jobId: request.id,
      ...(planned.revertAfterMs ? { revertAfterMs: planned.revertAfterMs } : {}),
      ...(planned.revertUntil ? { revertUntil: planned.revertUntil } : {}),
    });
    return { ...queued, incident: kind?.incident?.(change) === true };
  }
  const meta = { requester: request.user, channel: request.channel, environment: request.env };
  return deps.queue.enqueue(job, { meta, request, args }, { jobId: request.id });
}
