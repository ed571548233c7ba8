import type { ClusterSim } from './cluster-sim.js';
import { defaultPodSpec } from './defaults.js';
import { repositoryOf, setCondition } from './pod-state.js';
import { clone, kubeTime, type OwnerReference, type Pod, type PodTemplate } from './types.js';

const DEFAULT_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
] as const;

/** A new Pending pod from a template, with the defaults the API server's admission adds. */
export function makePod(
  sim: ClusterSim,
  template: PodTemplate,
  opts: {
    namespace: string;
    name?: string;
    generateName?: string;
    owner?: OwnerReference;
    labels?: Record<string, string>;
  },
): Pod {
  const name = opts.name ?? `${opts.generateName ?? 'pod-'}${sim.rng.suffix(5)}`;
  const spec = clone(template.spec);
  defaultPodSpec(spec);
  spec.tolerations = [...(spec.tolerations ?? []), ...DEFAULT_TOLERATIONS.map((t) => ({ ...t }))];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      ...(opts.generateName ? { generateName: opts.generateName } : {}),
      namespace: opts.namespace,
      labels: { ...(template.metadata.labels ?? {}), ...(opts.labels ?? {}) },
      ...(template.metadata.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(opts.owner ? { ownerReferences: [opts.owner] } : {}),
    },
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      securityContext: {},
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      ...spec,
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

/** Puts a pod straight into Running/Ready on a node (for seeding a settled world). */
export function settlePod(
  sim: ClusterSim,
  pod: Pod,
  nodeName: string,
  hostIP: string,
  startedMs: number,
): Pod {
  const at = kubeTime(startedMs);
  const ip = `${hostIP.split('.').slice(0, 3).join('.')}.${1 + sim.rng.int(253)}`;
  pod.metadata.creationTimestamp = at;
  pod.spec.nodeName = nodeName;
  const conds: NonNullable<Pod['status']['conditions']> = [];
  for (const type of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'])
    setCondition(conds, type, 'True', at);
  pod.status = {
    phase: 'Running',
    conditions: conds,
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: at,
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: `${repositoryOf(c.image)}@${sim.digestFor(c.image)}`,
      containerID: `containerd://${sim.rng.hex(64)}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: at } },
      lastState: {},
    })),
    qosClass: 'Burstable',
  };
  return pod;
}
