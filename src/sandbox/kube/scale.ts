import { selectorString } from './selectors.js';
import type { Deployment, KubeObject } from './types.js';

export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

/** The autoscaling/v1 Scale view of a Deployment (the `deployments/{name}/scale` subresource). */
export function toScale(d: Deployment): Scale {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: d.metadata.name,
      ...(d.metadata.namespace ? { namespace: d.metadata.namespace } : {}),
      ...(d.metadata.uid ? { uid: d.metadata.uid } : {}),
      ...(d.metadata.resourceVersion ? { resourceVersion: d.metadata.resourceVersion } : {}),
      ...(d.metadata.creationTimestamp ? { creationTimestamp: d.metadata.creationTimestamp } : {}),
    },
    // ScaleSpec.replicas is omitempty: a Deployment scaled to zero has an empty Scale spec.
    spec: d.spec.replicas ? { replicas: d.spec.replicas } : {},
    status: { replicas: d.status.replicas ?? 0, selector: selectorString(d.spec.selector) },
  };
}
