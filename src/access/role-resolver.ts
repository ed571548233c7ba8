import type { Environment, Role } from '../inventory/schema.js';
import type { Clock } from '../ports/clock.js';

/** Who is in a Slack user group; implemented over `usergroups.users.list`. */
export interface UsergroupDirectory {
  members(usergroupId: string): Promise<string[]>;
}

const ROLES_HIGH_TO_LOW: Role[] = ['admin', 'operator', 'viewer'];

/**
 * Resolves a Slack user's role in an environment from the inventory's access rules. Group
 * memberships are cached briefly: they change rarely and the lookup sits on the ack path.
 */
export class RoleResolver {
  private readonly cache = new Map<string, { members: Set<string>; at: number }>();

  constructor(
    private readonly directory: UsergroupDirectory,
    private readonly clock: Clock,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async roleOf(env: Environment, userId: string): Promise<Role | 'none'> {
    for (const role of ROLES_HIGH_TO_LOW) {
      const rule = env.access.roles[role];
      if (rule.users.includes(userId)) return role;
      for (const group of rule.usergroups) {
        if ((await this.groupMembers(group)).has(userId)) return role;
      }
    }
    return 'none';
  }

  /** The members of a user group (cached like role lookups): whom an alert escalation mentions. */
  async membersOf(group: string): Promise<string[]> {
    return [...(await this.groupMembers(group))];
  }

  private async groupMembers(group: string): Promise<Set<string>> {
    const hit = this.cache.get(group);
    if (hit && this.clock.now() - hit.at < this.ttlMs) return hit.members;
    const members = new Set(await this.directory.members(group));
    this.cache.set(group, { members, at: this.clock.now() });
    return members;
  }
}
