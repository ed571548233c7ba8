import { createHash } from 'node:crypto';

/** Plan ids come from the job that makes the plan, so a retried job finds the same plan. Safe in job ids. */
export function planIdFor(jobId: string): string {
  return `p-${createHash('sha256').update(jobId).digest('hex').slice(0, 12)}`;
}
