import { CHANGE_KINDS } from '../changes/change-kinds.js';
import type { Deployment } from '../inventory/schema.js';
import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { plural } from './describe.js';
import { perPart } from './per-part.js';
import { primaryCoderProbe } from './probes-of.js';

/** Coder's provisioner job queue per organization against the provisioners serving it. */
export const provisionerQueueCheck: Check = {
  id: 'provisioner-queue',
  title: 'Provisioner job queue',
  situations: ['provisioners'],
  async run(ctx) {
    const probe = primaryCoderProbe(ctx.env);
    const provisioners = ctx.env.deployments.filter((d) => d.kind === 'provisioner');
    if (!probe || !provisioners.length) return [];
    const results = await perPart(
      ctx,
      provisioners,
      (d) => d.target,
      async (d: Deployment): Promise<CheckResult[]> => {
        const org = d.org ?? 'default';
        const [pending, live] = await Promise.all([
          ctx.probes.coderPendingJobs(probe, org),
          ctx.cluster(d.cluster).deployment(d.namespace, d.name),
        ]);
        const serving = `${code(d.target)} ${live ? `${live.ready}/${live.desired} ready` : 'not found'}`;
        if (pending === 0)
          return [
            {
              status: 'ok',
              subject: d.target,
              summary: `org ${code(org)}: queue empty, ${serving}`,
              evidence: [],
            },
          ];
        const ready = live?.ready ?? 0;
        const desired = live?.desired ?? 0;
        const want = Math.min(d.replicas.max, desired + pending);
        const evidence = [
          `org ${code(org)}: ${plural(pending, 'job')} waiting; ${serving} (1 replica runs 1 build at a time)`,
          ...(want <= desired
            ? [`${code(d.target)} is already at the inventory maximum (${d.replicas.max})`]
            : []),
        ];
        return [
          {
            status: ready === 0 || pending > ready / 2 ? 'fail' : 'warn',
            subject: d.target,
            summary: `org ${code(org)}: ${plural(pending, 'build')} queued behind ${plural(ready, 'ready provisioner')}`,
            evidence,
            ...(want > desired
              ? {
                  remediation: {
                    kind: CHANGE_KINDS.scale,
                    change: {
                      environment: ctx.env.name,
                      items: [{ target: d.target, replicas: want }],
                      reason: `/diagnose: ${pending} provisioner jobs queued`,
                    },
                    label: `Scale ${d.target} to ${want}`,
                  },
                }
              : {}),
          },
        ];
      },
    );
    return mergeScaleFixes(results, ctx.env.name);
  },
};

/** One button for every organization that needs more provisioners: one scale plan with several targets. */
function mergeScaleFixes(results: CheckResult[], environment: string): CheckResult[] {
  const fixes = results.filter((r) => r.remediation);
  if (fixes.length < 2) return results;
  const items = fixes.flatMap(
    (r) => (r.remediation?.change as { items?: unknown[] } | undefined)?.items ?? [],
  );
  const first = fixes[0]!;
  return results.map((r) => {
    if (r === first)
      return {
        ...r,
        remediation: {
          kind: CHANGE_KINDS.scale,
          change: { environment, items, reason: '/diagnose: provisioner jobs queued' },
          label: `Scale ${fixes.length} provisioner deployments`,
        },
      };
    const { remediation: _dropped, ...rest } = r;
    return rest;
  });
}
