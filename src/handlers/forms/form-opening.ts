import type { types } from '@slack/bolt';
import type { Environment } from '../../inventory/schema.js';
import type { HandlerDeps } from '../command-deps.js';
import type { Deadline } from '../with-timeout.js';

/** A form to open for a bare subcommand (`/workshop prep`), after the command's own channel and role checks. */
export interface FormOpening {
  user: string;
  channel: string;
  /** The channel's environment, where the caller's role has been checked already. */
  env: Environment;
  deadline: Deadline;
  /** `views.open` with the command's trigger_id (valid for 3 s after the command). */
  open(view: types.ModalView): Promise<unknown>;
}

export type FormOpener = (deps: HandlerDeps, opening: FormOpening) => Promise<void>;
