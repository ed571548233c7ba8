import type { CheckReport } from '../../checks/check.js';
import type { JobDeps } from '../job-deps.js';
import { FixStore } from './fix-store.js';

/** One fix per check (its first remediation), kept in Redis under the id its button carries. */
export async function storeFixes(
  deps: JobDeps,
  reports: CheckReport[],
  where: { env: string; channel: string; ts: string },
): Promise<Map<string, { id: string; label: string }>> {
  const store = new FixStore(deps.redis, deps.prefix);
  const fixes = new Map<string, { id: string; label: string }>();
  for (const report of reports) {
    const remediation = report.results.find((r) => r.status !== 'ok' && r.remediation)?.remediation;
    if (!remediation) continue;
    const id = store.newId();
    await store.put({
      id,
      environment: where.env,
      channel: where.channel,
      threadTs: where.ts,
      checkId: report.id,
      kind: remediation.kind,
      change: remediation.change,
      label: remediation.label,
      ...(remediation.revertAfterMs ? { revertAfterMs: remediation.revertAfterMs } : {}),
      createdAt: deps.clock.now(),
    });
    fixes.set(report.id, { id, label: remediation.label });
  }
  return fixes;
}
