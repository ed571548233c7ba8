import { UserError } from '../errors/user-error.js';
import type { Environment, Image } from '../inventory/schema.js';
import type { MirrorRef } from '../ports/registry.js';
import { code } from '../slack-text/code.js';
import type { ImageSyncChange } from './image-sync-change.js';
import { restartTargets } from './restart-coder-deployments.js';

export type MirroredImage = Image & { mirror: MirrorRef };

export interface ResolvedSync {
  env: Environment;
  image: MirroredImage;
  tag: string;
}

/**
 * The inventory image and tag an `/images sync` names; refused (UserError) when it has no mirror, or
 * `--restart` is asked where there are no clusters or no Coder deployment runs it.
 */
export function resolveImageSync(
  environments: ReadonlyMap<string, Environment>,
  canRestart: boolean,
  c: ImageSyncChange,
): ResolvedSync {
  const env = environments.get(c.environment);
  if (!env) throw new UserError(`unknown environment "${c.environment}"`);
  const image = c.image ? env.images.find((i) => i.id === c.image) : env.images.find((i) => i.mirror);
  if (!image)
    throw new UserError(
      c.image ? `no image ${code(c.image)} in ${env.name}` : `no mirrored image in ${env.name}`,
      {
        hint: `Known: ${env.images.map((i) => i.id).join(', ') || 'none'}`,
      },
    );
  if (!image.mirror) throw new UserError(`image ${code(image.id)} has no ECR mirror in the inventory`);
  if (c.restart && !canRestart)
    throw new UserError('this opsbot cannot reach the clusters: `--restart` is not available');
  if (c.restart && restartTargets(env, image).length === 0)
    throw new UserError(`no Coder deployment runs ${code(image.id)}: nothing to restart`);
  return { env, image: image as MirroredImage, tag: c.tag ?? image.tag };
}
