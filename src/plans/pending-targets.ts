import type { Plan } from './plan.js';
import type { PlanDeps } from './plan-deps.js';

/** How many of a target's newest plans are looked at: a storm of plans must not make each one read all. */
const LOOK_BACK = 5;

type Deps = Pick<PlanDeps, 'redis' | 'prefix' | 'plans' | 'clock'>;

// Per environment and resource, ids of plans made pending for it, scored by their expiry. Decided plans are
// left in place and skipped on read (their status says so), so approve/cancel need not know about this.
const keyOf = (deps: Deps, environment: string, resource: string) =>
  `${deps.prefix}:plans:pending-target:${environment}:${resource}`;

/** A pending plan (other than `self`) of the same environment that touches one of `resources`, if any. */
export async function pendingPlanFor(
  deps: Deps,
  environment: string,
  resources: string[],
  self: string,
): Promise<Plan | undefined> {
  const now = deps.clock.now();
  const seen = new Set<string>([self]);
  for (const resource of resources) {
    const ids = await deps.redis.zrevrangebyscore(
      keyOf(deps, environment, resource),
      '+inf',
      `(${now}`,
      'LIMIT',
      0,
      LOOK_BACK,
    );
    for (const id of ids.filter((i) => !seen.has(i))) {
      seen.add(id);
      const plan = await deps.plans.get(id);
      if (plan?.status === 'pending' && plan.expiresAt > now) return plan;
    }
  }
  return undefined;
}

/** Records a new pending plan under each resource it touches, until it expires. */
export async function markPendingTargets(
  deps: Deps,
  plan: Pick<Plan, 'id' | 'environment' | 'expiresAt'>,
  resources: string[],
): Promise<void> {
  const now = deps.clock.now();
  for (const resource of resources) {
    const key = keyOf(deps, plan.environment, resource);
    await deps.redis
      .multi()
      .zadd(key, plan.expiresAt, plan.id)
      .zremrangebyscore(key, '-inf', now)
      .pexpireat(key, plan.expiresAt)
      .exec();
  }
}
