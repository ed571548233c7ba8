import type { ClusterSim } from './cluster-sim.js';
import type { KubeObject } from './types.js';
import { kubeTime } from './types.js';

/** The annotation the key rotator stamps on its Secret at each rotation. */
export const ROTATED_AT_ANNOTATION = 'litellm-key-rotator.coder.com/rotated-at';

function rotatorFields() {
  return {
    'f:data': { 'f:master-key': {} },
    'f:metadata': { 'f:annotations': { '.': {}, [`f:${ROTATED_AT_ANNOTATION}`]: {} } },
  };
}

function fakeKey(sim: ClusterSim): string {
  return Buffer.from(`sk-sandbox-${sim.rng.hex(40)}`).toString('base64');
}

/** The rotator's Secret, last rotated `rotatedAgoMs` before now. */
export function seedRotationSecret(
  sim: ClusterSim,
  namespace: string,
  name: string,
  rotatedAgoMs: number,
): void {
  const created = kubeTime(sim.clock.now() - 90 * 86_400_000);
  const rotated = kubeTime(sim.clock.now() - rotatedAgoMs);
  sim.store.create<KubeObject>('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      creationTimestamp: created,
      labels: { 'app.kubernetes.io/name': 'litellm-key-rotator' },
      annotations: { [ROTATED_AT_ANNOTATION]: rotated },
      managedFields: [
        {
          manager: 'kubectl-create',
          operation: 'Update',
          apiVersion: 'v1',
          time: created,
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { '.': {}, 'f:master-key': {} }, 'f:type': {} },
        },
        {
          manager: 'litellm-key-rotator',
          operation: 'Update',
          apiVersion: 'v1',
          time: rotated,
          fieldsType: 'FieldsV1',
          fieldsV1: rotatorFields(),
        },
      ],
    },
    type: 'Opaque',
    data: { 'master-key': fakeKey(sim) },
  });
}

/** A rotation: new key, new annotation and managedFields time, as the rotator's update leaves them. */
export function rotateSecret(sim: ClusterSim, namespace: string, name: string): void {
  const now = sim.now();
  sim.store.mutate('secrets', namespace, name, (s) => {
    s.data = { 'master-key': fakeKey(sim) };
    s.metadata.annotations = { ...s.metadata.annotations, [ROTATED_AT_ANNOTATION]: now };
    const others = (s.metadata.managedFields ?? []).filter((m) => m.manager !== 'litellm-key-rotator');
    s.metadata.managedFields = [
      ...others,
      {
        manager: 'litellm-key-rotator',
        operation: 'Update',
        apiVersion: 'v1',
        time: now,
        fieldsType: 'FieldsV1',
        fieldsV1: rotatorFields(),
      },
    ];
  });
}
