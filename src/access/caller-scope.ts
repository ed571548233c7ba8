import type { Environment, Role } from '../inventory/schema.js';
import type { RoleResolver } from './role-resolver.js';

/** What one Slack user may read: their role per environment (environments without one are absent). */
export interface CallerScope {
  user: string;
  roles: ReadonlyMap<string, Role>;
  /**
   * Whether an item of `environment` is visible. Items tied to no environment (bot-wide refusals,
   * a user's App Home refresh) are visible to whom they concern and to admins.
   */
  sees(environment: string | undefined, concerns?: string): boolean;
}

export async function callerScope(
  deps: { environments: ReadonlyMap<string, Environment>; roles: Pick<RoleResolver, 'roleOf'> },
  user: string,
): Promise<CallerScope> {
  const roles = new Map<string, Role>();
  for (const env of deps.environments.values()) {
    const role = await deps.roles.roleOf(env, user);
    if (role !== 'none') roles.set(env.name, role);
  }
  const admin = [...roles.values()].includes('admin');
  return {
    user,
    roles,
    sees: (environment, concerns) =>
      environment === undefined ? concerns === user || admin : roles.has(environment),
  };
}
