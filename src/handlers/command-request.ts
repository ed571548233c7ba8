import { z } from 'zod';
import { Role } from '../inventory/schema.js';

/** Who asked for what, carried in every command job's payload (never secrets, never response URLs). */
export const CommandRequest = z.object({
  id: z.string(),
  user: z.string(),
  channel: z.string(),
  env: z.string(),
  command: z.string(),
  text: z.string(),
  role: Role,
  at: z.number(),
});
export type CommandRequest = z.infer<typeof CommandRequest>;

/** Payload of every job started by a slash command: the request plus the subcommand's parsed arguments. */
export function commandJobPayload<A extends z.ZodType>(args: A) {
  return z.object({ request: CommandRequest, args });
}
