import type { ClusterSim } from './cluster-sim.js';
import type { Deployment, KubeObject } from './types.js';

export interface Hpa extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: unknown[];
  };
  status: { lastScaleTime?: string; conditions?: unknown[]; [key: string]: unknown };
}

function cond(type: string, status: 'True' | 'False', reason: string, message: string, now: string) {
  return { type, status, lastTransitionTime: now, reason, message };
}

/**
 * The HPA keeps its target within [minReplicas, maxReplicas]; metrics are steady (utilisation below
 * target), so a manual scale inside the range stands and one outside it is reverted.
 */
function hpaStatus(h: Hpa, d: Deployment, desired: number, rescaled: boolean, now: string): Hpa['status'] {
  const last = rescaled ? now : h.status.lastScaleTime;
  return {
    ...(last ? { lastScaleTime: last } : {}),
    currentReplicas: d.status.replicas ?? 0,
    desiredReplicas: desired,
    currentMetrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', current: { averageUtilization: 35, averageValue: '175m' } },
      },
    ],
    conditions: (h.status.conditions as unknown[] | undefined) ?? [
      cond('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', now),
      cond(
        'ScalingActive',
        'True',
        'ValidMetricFound',
        'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
        now,
      ),
      cond(
        'ScalingLimited',
        'False',
        'DesiredWithinRange',
        'the desired count is within the acceptable range',
        now,
      ),
    ],
  };
}

export function syncHpas(sim: ClusterSim): void {
  for (const { obj: hpa } of sim.store.list<Hpa>('horizontalpodautoscalers.autoscaling')) {
    const ns = hpa.metadata.namespace;
    const d = sim.store.get<Deployment>('deployments.apps', ns, hpa.spec.scaleTargetRef.name);
    if (!d) continue;
    const desired = Math.min(Math.max(d.spec.replicas, hpa.spec.minReplicas), hpa.spec.maxReplicas);
    const rescaled = desired !== d.spec.replicas;
    if (rescaled) {
      const why = desired > d.spec.replicas ? 'below Spec.MinReplicas' : 'above Spec.MaxReplicas';
      sim.store.mutate<Deployment>('deployments.apps', ns, d.metadata.name, (x) => {
        x.spec.replicas = desired;
      });
      sim.kick();
      sim.event(
        hpa,
        'Normal',
        'SuccessfulRescale',
        `New size: ${desired}; reason: Current number of replicas ${why}`,
        {
          component: 'horizontal-pod-autoscaler',
        },
      );
    }
    sim.store.mutate<Hpa>('horizontalpodautoscalers.autoscaling', ns, hpa.metadata.name, (h) => {
      h.status = hpaStatus(h, d, desired, rescaled, sim.now());
    });
  }
}
