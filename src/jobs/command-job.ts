import { z } from 'zod';
import { CommandRequest } from '../handlers/command-request.js';
import { JobMeta } from '../queue/job-meta.js';

/** Payload of a job started by a slash command: who/where (`meta`, `request`) and the parsed arguments. */
export function commandJobPayload<A extends z.ZodType>(args: A) {
  return z.object({ meta: JobMeta, request: CommandRequest, args });
}
