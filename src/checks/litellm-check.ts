import type { Deployment, Probe } from '../inventory/schema.js';
import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { perPart } from './per-part.js';

type Part = { deployment: Deployment } | { probe: Probe };

/** LiteLLM's replicas ready and its `/health/readiness` (database connected). */
export const litellmCheck: Check = {
  id: 'litellm',
  title: 'LiteLLM',
  situations: ['litellm'],
  run(ctx) {
    const parts: Part[] = [
      ...ctx.env.deployments.filter((d) => d.kind === 'litellm').map((deployment) => ({ deployment })),
      ...ctx.env.probes.filter((p) => p.kind === 'litellm').map((probe) => ({ probe })),
    ];
    return perPart(
      ctx,
      parts,
      (p) => ('probe' in p ? p.probe.id : p.deployment.target),
      async (part): Promise<CheckResult[]> => {
        if ('deployment' in part) {
          const d = part.deployment;
          const live = await ctx.cluster(d.cluster).deployment(d.namespace, d.name);
          if (!live)
            return [
              {
                status: 'fail',
                subject: d.target,
                summary: `${code(d.target)} not found in ${d.cluster}`,
                evidence: [`no deployment ${code(`${d.namespace}/${d.name}`)}`],
              },
            ];
          const ok = live.ready >= live.desired && live.desired > 0;
          return [
            {
              status: ok ? 'ok' : live.ready === 0 ? 'fail' : 'warn',
              subject: d.target,
              summary: `${code(d.target)}: ${live.ready}/${live.desired} replicas ready`,
              evidence: ok
                ? []
                : [
                    `${code(`${d.namespace}/${d.name}`)} in ${d.cluster}: ${live.ready} ready, ${live.desired} desired`,
                  ],
            },
          ];
        }
        const r = await ctx.probes.litellmReadiness(part.probe);
        const ok =
          r.httpStatus === 200 &&
          (r.status === undefined || r.status === 'connected' || r.status === 'healthy');
        return [
          {
            status: ok ? 'ok' : 'fail',
            subject: part.probe.id,
            summary: ok
              ? `${code(part.probe.id)}: /health/readiness OK${r.version ? ` (${code(r.version)})` : ''}`
              : r.httpStatus !== 200
                ? `${code(part.probe.id)}: /health/readiness answered ${r.httpStatus}`
                : `${code(part.probe.id)}: database ${code(r.status ?? 'unknown')} (keys cannot be checked: requests fail auth)`,
            evidence: ok
              ? []
              : [
                  `${code(`${part.probe.url}/health/readiness`)} → ${r.httpStatus}${r.status ? `, status ${code(r.status)}` : ''}`,
                ],
          },
        ];
      },
    );
  },
};
