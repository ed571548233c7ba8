import { UserError } from '../../errors/user-error.js';
import type { Deployment, Environment } from '../../inventory/schema.js';
import type { ScaleChange } from './scale-change.js';

export interface ResolvedItem {
  deployment: Deployment;
  replicas: number;
}

/**
 * The deployments a change scales, with concrete counts: unknown targets, the key rotator (which
 * /rotation owns) and counts outside the inventory's bounds are refused with what would be accepted.
 */
export function resolveTargets(env: Environment, change: ScaleChange): ResolvedItem[] {
  const rotator = env.rotation?.deployment;
  const out: ResolvedItem[] = [];
  for (const item of change.items) {
    const deployments =
      item.target === '*'
        ? env.deployments.filter((d) => d.target !== rotator)
        : [findTarget(env, item.target)];
    for (const deployment of deployments) {
      if (deployment.target === rotator && item.target !== '*')
        throw new UserError(
          `\`${deployment.target}\` is the key rotator; pause or resume it with \`/rotation pause\` / \`/rotation resume\`.`,
        );
      const replicas = item.replicas === 'default' ? deployment.replicas.default : item.replicas;
      const { min, max } = deployment.replicas;
      if (replicas < min || replicas > max)
        throw new UserError(
          `\`${deployment.target}\` takes ${min}–${max} replicas in ${env.name} (inventory bounds); ${replicas} is outside them.`,
          { hint: 'Change the bounds in infra/environments if the inventory is wrong.' },
        );
      out.push({ deployment, replicas });
    }
  }
  return out;
}

export function findTarget(env: Environment, target: string): Deployment {
  const deployment = env.deployments.find((d) => d.target === target);
  if (!deployment)
    throw new UserError(`Unknown target \`${target}\` in ${env.name}.`, {
      hint: `Targets: ${env.deployments.map((d) => `\`${d.target}\``).join(', ')}`,
    });
  return deployment;
}

/** Lock name of one deployment. */
export function deploymentResource(d: Deployment): string {
  return `k8s:${d.cluster}:${d.namespace}/${d.name}`;
}
