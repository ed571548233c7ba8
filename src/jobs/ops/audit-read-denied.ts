import type { CommandRequest } from '../../handlers/command-request.js';
import type { JobDeps } from '../job-deps.js';

/**
 * Records a read refused for lack of a role in `environment`. Filed under that environment, so
 * the people who do hold a role there see who asked.
 */
export function auditReadDenied(
  deps: Pick<JobDeps, 'audit' | 'clock'>,
  request: CommandRequest,
  action: string,
  environment: string,
  detail: string,
): Promise<string> {
  return deps.audit.append({
    at: deps.clock.now(),
    actor: request.user,
    action,
    channel: request.channel,
    environment,
    outcome: 'denied',
    detail,
    jobId: request.id,
  });
}
