import { UserError } from '../errors/user-error.js';
import type { Role } from '../inventory/schema.js';
import { actionForPeople } from './action-names.js';
import type { Plan } from './plan.js';
import type { PlanAccess } from './plan-deps.js';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** Thrown (and audited as `denied`) when an approval breaks the access rules. */
export class AccessDeniedError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, hint ? { hint } : undefined);
    this.name = 'AccessDeniedError';
  }
}

/**
 * The two-person rule: for actions the inventory lists, the approver must not be the requester,
 * unless incident mode is on and the inventory allows the waiver. Returns the waiver text if one applies.
 */
export function checkTwoPerson(
  plan: Plan,
  approver: string,
  access: PlanAccess,
  incident: boolean,
): string | undefined {
  if (!access.twoPerson.includes(plan.action) || approver !== plan.requester) return undefined;
  if (incident && access.incidentWaiver)
    return `two-person rule for ${plan.action} waived in incident mode (requester approved own plan)`;
  throw new AccessDeniedError(
    `${capitalised(actionForPeople(plan.action))} needs a second person to approve: someone other than <@${plan.requester}>, who asked for it, must press Approve.`,
    'Ask another operator to approve it.',
  );
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
