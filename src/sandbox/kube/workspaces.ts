import type { ClusterSim } from './cluster-sim.js';
import { WORKSPACE_TAINT } from './instance-types.js';
import { makePod } from './make-pod.js';
import { placeSettled } from './seed-workload.js';
import { clone, type Pod, type PodTemplate } from './types.js';

export const WORKSPACE_NAMESPACE = 'coder-workspaces';
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

/** A Coder workspace pod as the Kubernetes template creates it (one pod per workspace). */
function workspaceTemplate(sim: ClusterSim, user: string, wsId: string): PodTemplate {
  return {
    metadata: {
      labels: {
        'app.kubernetes.io/name': 'coder-workspace',
        'app.kubernetes.io/instance': `coder-workspace-${user}-workshop`,
        'app.kubernetes.io/part-of': 'coder',
        'com.coder.resource': 'true',
        'com.coder.workspace.id': wsId,
        'com.coder.workspace.name': 'workshop',
        'com.coder.user.username': user,
      },
      annotations: { 'com.coder.user.email': `${user}@example.com` },
    },
    spec: {
      containers: [
        {
          name: 'dev',
          image: sim.opts.images.workspace?.ref ?? 'codercom/enterprise-base:ubuntu',
          command: ['sh', '-c', 'coder agent'],
          env: [{ name: 'CODER_AGENT_URL', value: 'https://ai.coder.com' }],
          resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } },
        },
      ],
      nodeSelector: { 'karpenter.sh/nodepool': 'workspaces' },
      tolerations: [{ key: WORKSPACE_TAINT.key, operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
      terminationGracePeriodSeconds: 30,
    },
  };
}

/** Six running workshop workspaces, started a few hours ago. */
export function seedWorkspaces(sim: ClusterSim): void {
  for (const user of USERS) {
    const template = workspaceTemplate(sim, user, sim.rng.uid());
    const pod = makePod(sim, template, { namespace: WORKSPACE_NAMESPACE, name: `coder-${user}-workshop` });
    placeSettled(sim, pod, sim.clock.now() - (3 * 3_600_000 + sim.rng.int(3_600_000)));
  }
}

/**
 * Restarts every workspace the way a Coder stop/start does: the pod is deleted and a new one with the
 * same name (new uid, new creationTimestamp) goes through scheduling and start-up again.
 */
export function restartWorkspaces(sim: ClusterSim): number {
  const pods = sim
    .pods(WORKSPACE_NAMESPACE)
    .filter((p) => p.metadata.labels?.['com.coder.resource'] === 'true');
  for (const old of pods) {
    for (const c of old.spec.containers)
      sim.event(old, 'Normal', 'Killing', `Stopping container ${c.name}`, {
        component: 'kubelet',
        host: old.spec.nodeName ?? '',
        fieldPath: `spec.containers{${c.name}}`,
      });
    sim.store.delete('pods', WORKSPACE_NAMESPACE, old.metadata.name);
    const fresh: Pod = makePod(
      sim,
      {
        metadata: { labels: old.metadata.labels ?? {}, annotations: old.metadata.annotations ?? {} },
        spec: stripPodDefaults(old),
      },
      { namespace: WORKSPACE_NAMESPACE, name: old.metadata.name },
    );
    sim.store.create('pods', fresh);
  }
  sim.kick();
  return pods.length;
}

function stripPodDefaults(pod: Pod): Pod['spec'] {
  const spec = clone(pod.spec);
  delete spec.nodeName;
  spec.tolerations = (spec.tolerations ?? []).filter((t) => t.tolerationSeconds === undefined);
  return spec;
}
