import type { Probe } from '../inventory/schema.js';
import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { quoted } from './describe.js';
import { perPart } from './per-part.js';
import { primaryCoderProbe } from './probes-of.js';

/** Coder's `/healthz` on the control plane and every workspace proxy, and the control plane's debug health. */
export const coderHealthCheck: Check = {
  id: 'coder-health',
  title: 'Coder and workspace proxy health',
  situations: ['routing', 'provisioners'],
  run(ctx) {
    const primary = primaryCoderProbe(ctx.env);
    const probes = ctx.env.probes.filter((p) => p.kind === 'coder');
    return perPart(
      ctx,
      probes,
      (p) => p.id,
      async (probe: Probe): Promise<CheckResult[]> => {
        const isPrimary = probe === primary;
        const [healthz, report] = await Promise.all([
          ctx.probes.get(probe, '/healthz'),
          isPrimary ? ctx.probes.coderHealth(probe) : Promise.resolve(undefined),
        ]);
        const results: CheckResult[] = [];
        if (healthz.status !== 200)
          results.push({
            status: 'fail',
            subject: probe.id,
            summary: `${code(probe.id)}: /healthz answered ${healthz.status}`,
            evidence: [`${code(`${probe.url}/healthz`)} → ${healthz.status} ${quoted(healthz.body, 120)}`],
          });
        for (const s of report?.sections ?? []) {
          if (s.dismissed || s.severity === 'ok') continue;
          results.push({
            status: s.severity === 'error' ? 'fail' : 'warn',
            subject: `${probe.id}/${s.name}`,
            summary: `${code(probe.id)}: health section ${code(s.name)} is ${s.severity}`,
            evidence: [
              ...(s.error ? [quoted(s.error)] : []),
              ...s.warnings.slice(0, 4).map((w) => quoted(w)),
            ],
          });
        }
        if (!results.length)
          results.push({
            status: 'ok',
            subject: probe.id,
            summary: `${code(probe.id)}: /healthz OK${report ? `, debug health ${report.severity} (${report.sections.length} sections)` : ''}`,
            evidence: [],
          });
        return results;
      },
    );
  },
};
