import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { plural, quoted } from './describe.js';
import { perCluster } from './per-part.js';
import { podTarget, provisionersFirst } from './pod-target.js';

const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const SHOWN = 5;

/** Containers that cannot pull their image, naming the image and the registry's answer. */
export const imagePullCheck: Check = {
  id: 'image-pulls',
  title: 'Image pulls',
  situations: ['images', 'provisioners'],
  run: (ctx) =>
    perCluster(ctx, async (clusterId): Promise<CheckResult[]> => {
      const active = await ctx.cluster(clusterId).activePods();
      const failing = [...active.problems]
        .sort(provisionersFirst(ctx.env, clusterId))
        .flatMap((p) =>
          p.containers
            .filter((c) => c.waiting && PULL_FAILURES.has(c.waiting.reason))
            .map((c) => ({ pod: p, container: c })),
        );
      if (!failing.length)
        return [
          { status: 'ok', subject: clusterId, summary: `${clusterId}: no image pull failures`, evidence: [] },
        ];
      const images = [...new Set(failing.map((f) => f.container.image))];
      const targets = [
        ...new Set(failing.map((f) => podTarget(ctx.env, clusterId, f.pod)?.target).filter(Boolean)),
      ] as string[];
      return [
        {
          status: 'fail',
          subject: clusterId,
          summary: `${clusterId}: ${plural(failing.length, 'container')} cannot pull ${images.map(code).join(', ')}${targets.length ? ` (${targets.map(code).join(', ')})` : ''}`,
          evidence: [
            ...failing
              .slice(0, SHOWN)
              .map(
                ({ pod, container: c }) =>
                  `${code(`${pod.namespace}/${pod.name}`)}: ${code(c.waiting?.reason ?? '')} ${code(c.image)}${c.waiting?.message ? ` — ${quoted(c.waiting.message, 200)}` : ''}`,
              ),
            ...(failing.length > SHOWN ? [`… and ${failing.length - SHOWN} more`] : []),
          ],
        },
      ];
    }),
};
