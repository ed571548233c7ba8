import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { environmentForChannel } from '../access/environment-for-channel.js';
import type { AuditEntryInput } from '../audit/audit-entry.js';
import { COMMAND_JOBS } from '../commands/command-jobs.js';
import { roleAllows } from '../commands/command-spec.js';
import type { Environment, Role } from '../inventory/schema.js';
import type { HandlerDeps } from './command-deps.js';
import type { CommandRequest } from './command-request.js';
import { readFormMetadata } from './forms/form-metadata.js';
import { readWorkshopPrep } from './forms/read-workshop-prep.js';
import { ViewState } from './forms/view-state.js';
import { PREP_FIELDS, WORKSHOP_PREP_FORM } from './forms/workshop-prep-modal.js';
import { MAYBE_QUEUED, QUEUE_DOWN, queueOutage } from './queue-outage.js';
import { requestJobId } from './request-job-id.js';
import { createDeadline, type Deadline, withTimeout } from './with-timeout.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const ViewSubmission = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    id: z.string().min(1),
    private_metadata: z.string(),
    state: z.object({ values: ViewState }),
  }),
});

/** Refusals and outages have no field of their own: shown under the last one, next to the Submit button. */
const FORM_ERROR = PREP_FIELDS.env;
const ACTION = 'workshop.prep';

interface Outcome {
  /** Field errors (block_id → text): the modal stays open with them; none closes it. */
  errors?: Record<string, string>;
  audit: Omit<AuditEntryInput, 'at' | 'actor'>;
  denied?: string;
}

/**
 * The `/workshop prep` form's submission, handled as the command is: the channel and role are checked
 * again (the form's metadata names them but proves nothing), the fields are read with the command's
 * rules, and the same `workshop.prep` job is queued. Answered within Slack's 3 s, errors the Slack way.
 */
export function createWorkshopPrepSubmissionHandler(deps: HandlerDeps) {
  return async ({ ack, body }: ViewArgs): Promise<void> => {
    const started = performance.now();
    deps.metrics.commandsReceived.inc({ command: `view:${WORKSHOP_PREP_FORM}` });
    let outcome: Outcome;
    try {
      outcome = await decide(deps, body, createDeadline(deps.ackBudgetMs ?? 2000, started));
    } catch (err) {
      const ref = requestJobId('ref', body.view?.id ?? '', String(started));
      deps.logger.error({ err, ref }, 'form submission handler failed');
      outcome = {
        errors: { [FORM_ERROR]: `Internal error, ref ${ref}; nothing was done.` },
        audit: { action: ACTION, outcome: 'failed', detail: `ref ${ref}` },
      };
    }
    if (outcome.errors) await ack({ response_action: 'errors', errors: outcome.errors });
    else await ack();
    deps.metrics.ackLatency.observe((performance.now() - started) / 1000);
    deps.metrics.commandsAcked.inc({ command: `view:${WORKSHOP_PREP_FORM}`, outcome: outcome.audit.outcome });
    if (outcome.denied) deps.metrics.commandsDenied.inc({ reason: outcome.denied });
    const entry: AuditEntryInput = { at: deps.clock.now(), actor: body.user.id, ...outcome.audit };
    deps.audit.append(entry).catch((err: unknown) => deps.logger.warn({ err, entry }, 'audit append failed'));
  };
}

async function decide(deps: HandlerDeps, body: ViewSubmitAction, deadline: Deadline): Promise<Outcome> {
  const submission = ViewSubmission.safeParse(body);
  const metadata = submission.success ? readFormMetadata(submission.data.view.private_metadata) : undefined;
  if (!submission.success || !metadata)
    return refuse('This form could not be read; run /workshop prep again.', 'malformed form', 'invalid');
  const { user, view } = submission.data;
  const channel = metadata.channel;
  const base = environmentForChannel(deps.environments, channel);
  if (!base || base.name !== metadata.env)
    return refuse(
      'opsbot prepares workshops only from its ops channel; nothing was done.',
      'wrong channel',
      'wrong-channel',
      { channel },
    );
  const where = { channel, environment: base.name };
  const role = await roleIn(deps, base, user.id, deadline);
  if (role === 'failed') return lookupFailed(where);
  if (role === 'none' || !roleAllows(role, 'operator')) return roleRefused(base, role, where);

  const form = readWorkshopPrep(view.state.values, {
    base,
    environments: deps.environments,
    now: deps.clock.now(),
  });
  if (!form.ok)
    return {
      errors: form.errors,
      audit: {
        action: ACTION,
        ...where,
        outcome: 'invalid',
        detail: Object.entries(form.errors)
          .map(([field, why]) => `${field}: ${why}`)
          .join('; '),
      },
      denied: 'invalid',
    };
  if (form.target !== base.name) {
    const target = deps.environments.get(form.target)!;
    const there = await roleIn(deps, target, user.id, deadline);
    if (there === 'failed') return lookupFailed(where);
    if (!roleAllows(there, 'operator')) return roleRefused(target, there, where);
  }

  // One job per submitted form and values: a double click or a redelivery finds it queued already.
  const jobId = requestJobId('form', view.id, form.text);
  const request: CommandRequest = {
    id: jobId,
    user: user.id,
    channel,
    env: base.name,
    command: '/workshop',
    text: form.text,
    role,
    at: deps.clock.now(),
  };
  const meta = { requester: user.id, channel, environment: base.name };
  try {
    const queued = await withTimeout(
      deps.queue.enqueue(COMMAND_JOBS.workshopPrep, { meta, request, args: form.args }, { jobId }),
      deadline.left(),
      'enqueue',
    );
    return {
      audit: {
        action: ACTION,
        ...where,
        outcome: queued.duplicate ? 'duplicate' : 'requested',
        detail: `${form.text} (form)`,
        jobId,
      },
    };
  } catch (err) {
    const outage = queueOutage(err);
    if (!outage) throw err;
    deps.logger.warn({ err, jobId }, 'enqueue failed');
    return {
      errors: { [FORM_ERROR]: outage === 'maybe' ? MAYBE_QUEUED : QUEUE_DOWN },
      audit: {
        action: ACTION,
        ...where,
        outcome: 'failed',
        detail: outage === 'maybe' ? 'queue too slow: may have been queued' : 'queue unavailable',
        jobId,
      },
    };
  }
}

async function roleIn(
  deps: HandlerDeps,
  env: Environment,
  user: string,
  deadline: Deadline,
): Promise<Role | 'none' | 'failed'> {
  try {
    return await withTimeout(deps.roles.roleOf(env, user), deadline.left(), 'role lookup');
  } catch (err) {
    deps.logger.warn({ err }, 'role lookup failed');
    return 'failed';
  }
}

function refuse(
  text: string,
  detail: string,
  denied: string,
  where: { channel?: string; environment?: string } = {},
): Outcome {
  return {
    errors: { [FORM_ERROR]: text },
    audit: { action: ACTION, ...where, outcome: denied === 'invalid' ? 'invalid' : 'denied', detail },
    denied,
  };
}

function roleRefused(env: Environment, role: Role | 'none', where: { channel: string; environment: string }) {
  const have = role === 'none' ? `you have no opsbot role there` : `you are ${role}`;
  return refuse(
    `Preparing a workshop in ${env.name} needs the operator role; ${have}. Nothing was done.`,
    `role ${role} < operator in ${env.name}`,
    'role',
    where,
  );
}

function lookupFailed(where: { channel: string; environment: string }): Outcome {
  return {
    errors: { [FORM_ERROR]: 'Could not check your access right now. Nothing was done; try again shortly.' },
    audit: { action: ACTION, ...where, outcome: 'failed', detail: 'role lookup failed' },
  };
}
