import { z } from 'zod';
import { UserError } from '../../errors/user-error.js';
import { readImageStatus } from '../../images/read-image-status.js';
import { renderImageStatus } from '../../images/render-image-status.js';
import { defineJob } from '../../queue/define-job.js';
import type { Logger } from '../../queue/logger.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';
import { readableEnvironment } from '../readable-environment.js';

export const IMAGES_STATUS_JOB = 'images.status';

/** `/images status [--env]`: GHCR source, ECR mirror and what each cluster runs, per inventory image; ephemeral. */
export const imagesStatusJob = defineJob({
  name: IMAGES_STATUS_JOB,
  payload: commandJobPayload(z.object({ env: z.string().optional() })),
  attempts: 1,
  lane: 'long',
  async process({ request, args }, ctx: { deps: JobDeps; log: Logger }) {
    const deps = ctx.deps;
    const env = await readableEnvironment(deps, request, args.env, {
      command: '/images status',
      action: IMAGES_STATUS_JOB,
    });
    if (!env) return { denied: args.env ?? request.env };
    if (!deps.registry) throw new UserError('No registry is configured for this opsbot.');
    const rows = await readImageStatus({ registry: deps.registry, clusters: deps.clusters }, env, {
      onError: (err) => ctx.log.warn({ err, env: env.name }, 'image status read failed'),
    });
    const { text, blocks } = renderImageStatus(env.name, rows);
    await deps.chat.postEphemeral({ channel: request.channel, user: request.user, text, blocks });
    return { verdicts: Object.fromEntries(rows.map((r) => [r.image.id, r.verdicts])) };
  },
});
