import { roleAllows } from '../../commands/command-spec.js';
import type { HandlerDeps } from '../command-deps.js';
import { withTimeout } from '../with-timeout.js';
import type { FormOpening } from './form-opening.js';
import { workshopPrepModal } from './workshop-prep-modal.js';

/**
 * Opens the `/workshop prep` form. Its environment menu offers where the user may prepare a workshop
 * (operator or admin there), the channel's first and preselected.
 */
export async function openWorkshopPrepForm(deps: HandlerDeps, o: FormOpening): Promise<void> {
  const others = [...deps.environments.values()].filter((e) => e.name !== o.env.name);
  // Half of what is left: the trigger_id expires 3 s after the command, so views.open must not wait on these.
  const budget = Math.max(1, Math.floor(o.deadline.left() / 2));
  const allowed = await Promise.all(
    others.map(async (env) => {
      try {
        const role = await withTimeout(deps.roles.roleOf(env, o.user), budget, 'role lookup');
        return roleAllows(role, 'operator') ? env.name : undefined;
      } catch (err) {
        deps.logger.warn({ err, environment: env.name }, 'role lookup for the form failed; left out');
        return undefined;
      }
    }),
  );
  const environments = [o.env.name, ...allowed.filter((n): n is string => n !== undefined).sort()];
  const view = workshopPrepModal({ metadata: { channel: o.channel, env: o.env.name }, environments });
  await withTimeout(o.open(view), o.deadline.left(), 'views.open');
}
