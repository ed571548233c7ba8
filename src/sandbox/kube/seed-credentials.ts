import type { Credential } from '../../inventory/schema.js';
import type { ClusterSim } from './cluster-sim.js';
import { fnv32a } from './random.js';
import type { KubeObject } from './types.js';
import { kubeTime } from './types.js';

const DAY = 86_400_000;

/** Base64 of a made-up provider key: realistic shape, never a real credential (no rng: seeding order stays put). */
function fakeProviderKey(sim: ClusterSim, id: string): string {
  const hex = [0, 1, 2, 3].map((i) => fnv32a(`${sim.info.id}:${id}:${i}`).toString(16).padStart(8, '0'));
  return Buffer.from(`sk-${id}-sandbox-${hex.join('')}`).toString('base64');
}

/**
 * The Secrets of the inventory's `secret-annotation` credentials in this cluster: a key renewed some
 * weeks ago, its expiry annotation 45–80 days ahead (comfortably past any threshold), stamped by
 * whoever renewed it with `kubectl annotate`.
 */
export function seedCredentialSecrets(sim: ClusterSim): void {
  for (const c of sim.opts.env.credentials) {
    if (c.cluster !== sim.info.id) continue;
    if (!sim.store.get('namespaces', undefined, c.namespace)) continue;
    const renewed = sim.clock.now() - (10 + (fnv32a(c.id) % 20)) * DAY;
    const expires = sim.clock.now() + (45 + (fnv32a(`${c.id}:expiry`) % 35)) * DAY;
    sim.store.create<KubeObject>('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: c.name,
        namespace: c.namespace,
        creationTimestamp: kubeTime(renewed - 200 * DAY),
        labels: {
          'app.kubernetes.io/name': 'litellm',
          'app.kubernetes.io/component': 'provider-credentials',
        },
        annotations: { [c.annotation]: kubeTime(expires) },
        managedFields: [
          {
            manager: 'kubectl-annotate',
            operation: 'Update',
            apiVersion: 'v1',
            time: kubeTime(renewed),
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, [`f:${c.annotation}`]: {} } } },
          },
        ],
      },
      type: 'Opaque',
      data: { 'api-key': fakeProviderKey(sim, c.id) },
    });
  }
}

/** Someone re-annotates a credential's Secret: `at` as its expiry (RFC 3339), or the annotation removed (null). */
export function setCredentialExpiry(sim: ClusterSim, c: Credential, at: number | null): void {
  const done = sim.store.mutate('secrets', c.namespace, c.name, (s) => {
    const annotations = { ...(s.metadata.annotations ?? {}) };
    if (at === null) delete annotations[c.annotation];
    else annotations[c.annotation] = kubeTime(at);
    s.metadata.annotations = annotations;
    s.metadata.managedFields = [
      ...(s.metadata.managedFields ?? []).filter((m) => m.manager !== 'kubectl-annotate'),
      {
        manager: 'kubectl-annotate',
        operation: 'Update',
        apiVersion: 'v1',
        time: sim.now(),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, [`f:${c.annotation}`]: {} } } },
      },
    ];
  });
  if (!done) throw new Error(`secret ${c.namespace}/${c.name} not found in cluster ${sim.info.id}`);
}
