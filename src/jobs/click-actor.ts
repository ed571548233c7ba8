import { z } from 'zod';
import { Role } from '../inventory/schema.js';

/**
 * Who pressed a button, as the button handler enqueues it for every button job (plan decisions, pause
 * actions, diagnosis fixes, alert actions): the job checks it against what the button acts on.
 */
export const ClickActor = z.object({
  user: z.string(),
  role: Role,
  channel: z.string(),
  environment: z.string(),
  /** The message whose button was pressed. */
  messageTs: z.string().optional(),
});
export type ClickActor = z.infer<typeof ClickActor>;
