import { createHash } from 'node:crypto';

/**
 * Job ids derived from Slack's request identity: a retried delivery of the same request maps to
 * the same id, so BullMQ refuses the duplicate. (No `:` allowed in BullMQ ids.)
 */
export function requestJobId(prefix: string, ...identity: string[]): string {
  return `${prefix}-${createHash('sha256').update(identity.join('\u0000')).digest('hex').slice(0, 20)}`;
}
