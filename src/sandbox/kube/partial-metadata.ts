import type { KubeObject } from './types.js';

/**
 * `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1` (or `…List` for collections):
 * the API server then answers with metadata only, so e.g. a Secret's data never leaves the server.
 */
export function wantsPartial(
  accept: string | undefined,
  kind: 'PartialObjectMetadata' | 'PartialObjectMetadataList',
): boolean {
  return (accept ?? '').split(',').some((part) => {
    const params = part.replace(/\s/g, '').split(';');
    return (
      params.includes(`as=${kind}`) &&
      params.includes('g=meta.k8s.io') &&
      (params.includes('v=v1') || params.includes('v=v1beta1'))
    );
  });
}

export function toPartial(obj: KubeObject) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toPartialList(items: KubeObject[], metadata: Record<string, unknown>) {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    items: items.map(toPartial),
  };
}
