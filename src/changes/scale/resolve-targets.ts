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
  if (!deployment) {
    // The key rotator is not a /scale target (see resolveTargets): listing it would invite a refusal.
    const targets = env.deployments.map((d) => d.target).filter((t) => t !== env.rotation?.deployment);
    const near = closest(target, targets);
    throw new UserError(`Unknown target \`${target}\` in ${env.name}.`, {
      hint: `${near ? `Did you mean \`${near}\`? ` : ''}Targets: ${targets.map((t) => `\`${t}\``).join(', ')}`,
    });
  }
  return deployment;
}

/** The one target within two edits of a typo (`provisionrs` → `provisioners`), if there is exactly one. */
function closest(typed: string, targets: string[]): string | undefined {
  const near = targets.filter((t) => editDistance(typed.toLowerCase(), t) <= 2);
  return near.length === 1 ? near[0] : undefined;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** Lock name of one deployment. */
export function deploymentResource(d: Deployment): string {
  return `k8s:${d.cluster}:${d.namespace}/${d.name}`;
}
