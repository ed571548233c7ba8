import type { Deployment } from '../inventory/schema.js';
import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { plural } from './describe.js';
import { perPart } from './per-part.js';

/** `repo@sha256:…` (or `docker-pullable://repo@sha256:…`) → `sha256:…`. */
function digestOf(imageID: string): string | undefined {
  return /@(sha256:[0-9a-f]{64})$/.exec(imageID)?.[1];
}

const short = (digest: string) => code(`${digest.slice(0, 19)}…`);

/**
 * The Coder image digest the control plane and each proxy really run (pods' imageID, not the spec's
 * tag): proxies on another build break subdomain routing.
 */
export const imageDigestCheck: Check = {
  id: 'image-digests',
  title: 'Coder image digest (control plane = proxies)',
  situations: ['routing', 'images'],
  async run(ctx) {
    const targets = ctx.env.deployments.filter((d) => d.kind === 'coder-server' || d.kind === 'proxy');
    const seen = new Map<string, Map<string, number>>();
    const reads = await perPart(
      ctx,
      targets,
      (d) => d.target,
      async (d: Deployment): Promise<CheckResult[]> => {
        const view = ctx.cluster(d.cluster);
        const live = await view.deployment(d.namespace, d.name);
        if (!live)
          return [
            {
              status: 'fail',
              subject: d.target,
              summary: `${code(d.target)} not found in ${d.cluster}`,
              evidence: [],
            },
          ];
        const pods = await view.pods(d.namespace, live.selector);
        const digests = new Map<string, number>();
        for (const p of pods)
          for (const c of p.containers) {
            const digest = digestOf(c.imageID);
            if (digest) digests.set(digest, (digests.get(digest) ?? 0) + 1);
          }
        seen.set(d.target, digests);
        return [];
      },
    );
    const control = targets.find((d) => d.kind === 'coder-server');
    const reference = control ? seen.get(control.target) : undefined;
    const describe = (d: Deployment) =>
      `${code(d.target)} (${d.cluster}): ${[...(seen.get(d.target) ?? new Map<string, number>())].map(([dg, n]) => `${short(dg)} ×${n}`).join(', ') || 'no running pod'}`;
    if (!control || !reference || reference.size === 0) return reads;
    const results = [...reads];
    if (reference.size > 1)
      results.push({
        status: 'warn',
        subject: control.target,
        summary: `control plane runs ${reference.size} digests at once (a rollout in progress?)`,
        evidence: [describe(control)],
      });
    const want = [...reference.keys()].sort();
    const drifted = targets.filter((d) => {
      const got = seen.get(d.target);
      return d !== control && got && got.size > 0 && [...got.keys()].some((dg) => !reference.has(dg));
    });
    if (drifted.length)
      results.push({
        status: 'fail',
        subject: drifted.map((d) => d.target).join(', '),
        summary: `${drifted.map((d) => code(d.target)).join(', ')} ${drifted.length === 1 ? 'runs' : 'run'} another Coder build than the control plane: subdomain routing breaks`,
        evidence: [describe(control), ...drifted.map(describe)],
      });
    else if (reference.size === 1)
      results.push({
        status: 'ok',
        subject: control.target,
        summary: `${plural(targets.length, 'deployment')} on ${short(want[0]!)}`,
        evidence: [],
      });
    return results;
  },
};
