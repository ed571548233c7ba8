import {
  WorkshopPrepArgs,
  workshopDuration,
  workshopName,
  workshopUsers,
} from '../../commands/workshop-command.js';
import { UserError } from '../../errors/user-error.js';
import { type Environment, Workshop } from '../../inventory/schema.js';
import { parseStart } from '../../workshop/parse-start.js';
import { fieldOf, type ViewState } from './view-state.js';
import { PREP_FIELDS, START_PLACEHOLDER } from './workshop-prep-modal.js';

export type PrepForm =
  | {
      ok: true;
      args: WorkshopPrepArgs;
      /** The environment the workshop is for (the `--env` the form stands for, else the channel's). */
      target: string;
      /** The request as the command would have been typed (for the audit and the job's request). */
      text: string;
    }
  /** block_id → what is wrong, as Slack shows it under the field. */
  | { ok: false; errors: Record<string, string> };

const MAX_START_CHARS = 100;

/**
 * The `/workshop prep` form's fields, checked with the command's own rules (its zod pieces, then
 * `WorkshopPrepArgs` on the tokens the fields make). The start is only checked to be readable here:
 * whether it is far enough ahead depends on the requester's time zone, which the job reads.
 */
export function readWorkshopPrep(
  values: ViewState,
  ctx: { base: Environment; environments: ReadonlyMap<string, Environment>; now: number },
): PrepForm {
  const errors: Record<string, string> = {};
  const users = fieldOf(values, PREP_FIELDS.users);
  const start = fieldOf(values, PREP_FIELDS.start);
  const duration = fieldOf(values, PREP_FIELDS.duration) ?? '2h';
  const name = fieldOf(values, PREP_FIELDS.name);
  const target = fieldOf(values, PREP_FIELDS.env) ?? ctx.base.name;

  const count = workshopUsers.safeParse(users ?? '');
  if (users === undefined) errors[PREP_FIELDS.users] = 'Give the number of users.';
  else if (!count.success) errors[PREP_FIELDS.users] = capitalize(firstMessage(count.error));

  if (start === undefined) errors[PREP_FIELDS.start] = `Give the start, e.g. ${START_PLACEHOLDER}.`;
  else if (start.length > MAX_START_CHARS)
    errors[PREP_FIELDS.start] = `The start is at most ${MAX_START_CHARS} characters.`;
  else {
    try {
      // Any zone will do to tell whether it can be read at all.
      parseStart(start, 'UTC', ctx.now);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      errors[PREP_FIELDS.start] = plainText(err.userText);
    }
  }

  const okDuration = workshopDuration.safeParse(duration);
  if (!okDuration.success)
    errors[PREP_FIELDS.duration] = firstMessage(okDuration.error).replace('--duration', 'The duration');

  if (name !== undefined) {
    const okName = workshopName.safeParse(name);
    if (!okName.success) errors[PREP_FIELDS.name] = capitalize(firstMessage(okName.error));
  }

  const env = ctx.environments.get(target);
  if (!env) errors[PREP_FIELDS.env] = 'Pick one of the environments offered.';
  else if (count.success) {
    const maxUsers = (env.workshop ?? Workshop.parse({})).maxUsers;
    if (count.data > maxUsers)
      errors[PREP_FIELDS.users] =
        `${count.data} users is more than ${env.name} takes for a workshop (inventory workshop.maxUsers: ${maxUsers}).`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  // What the command would get from `/workshop prep <users> <start> --duration … [--name …] [--env …]`.
  const flags: Record<string, string> = { duration };
  if (name !== undefined) flags.name = name;
  if (target !== ctx.base.name) flags.env = target;
  const parsed = WorkshopPrepArgs.safeParse({ positionals: [users!, start!], flags });
  if (!parsed.success) return { ok: false, errors: { [PREP_FIELDS.start]: firstMessage(parsed.error) } };
  const text = [
    'prep',
    users,
    start,
    ...Object.entries(flags).map(([flag, value]) => `--${flag} ${value}`),
  ].join(' ');
  return { ok: true, args: parsed.data, target, text };
}

function firstMessage(error: { issues: { message: string }[] }): string {
  return error.issues[0]?.message ?? 'not valid';
}

/** Field errors are plain text: Slack shows backticks as they are there. */
function plainText(text: string): string {
  return text.replace(/`/g, '').replace(/\n/g, ' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
