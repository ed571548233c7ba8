import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  AppsV1Api,
  AutoscalingV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
} from '@kubernetes/client-node';

/** One RBAC permission: `scope: 'cluster'` for cluster-scoped resources or all-namespace lists. */
export interface Permission {
  group: string;
  resource: string;
  verb: string;
  scope: 'namespace' | 'cluster';
}

const ns = (group: string, resource: string, verb: string): Permission => ({
  group,
  resource,
  verb,
  scope: 'namespace',
});
const cl = (group: string, resource: string, verb: string): Permission => ({
  group,
  resource,
  verb,
  scope: 'cluster',
});

/**
 * What each @kubernetes/client-node call needs. A call missing here fails the RBAC test, so new
 * Kubernetes access cannot ship without a grant (and a line in docs/DEPLOYING.md) to go with it.
 */
export const KUBE_METHOD_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  readNamespacedDeployment: [ns('apps', 'deployments', 'get')],
  listNamespacedDeployment: [ns('apps', 'deployments', 'list')],
  patchNamespacedDeployment: [ns('apps', 'deployments', 'patch')],
  readNamespacedDeploymentScale: [ns('apps', 'deployments/scale', 'get')],
  patchNamespacedDeploymentScale: [ns('apps', 'deployments/scale', 'patch')],
  replaceNamespacedDeploymentScale: [ns('apps', 'deployments/scale', 'update')],
  readNamespacedPod: [ns('', 'pods', 'get')],
  listNamespacedPod: [ns('', 'pods', 'list')],
  listPodForAllNamespaces: [cl('', 'pods', 'list')],
  listNamespacedEvent: [ns('', 'events', 'list')],
  readNode: [cl('', 'nodes', 'get')],
  listNode: [cl('', 'nodes', 'list')],
  connectGetNodeProxyWithPath: [cl('', 'nodes/proxy', 'get')],
  readNamespacedHorizontalPodAutoscaler: [ns('autoscaling', 'horizontalpodautoscalers', 'get')],
  listNamespacedHorizontalPodAutoscaler: [ns('autoscaling', 'horizontalpodautoscalers', 'list')],
  readNamespacedSecret: [ns('', 'secrets', 'get')],
  // The only custom resources opsbot reads are Karpenter's (DESIGN.md §1).
  getClusterCustomObject: [cl('karpenter.sh', 'nodepools', 'get'), cl('karpenter.sh', 'nodeclaims', 'get')],
  listClusterCustomObject: [
    cl('karpenter.sh', 'nodepools', 'list'),
    cl('karpenter.sh', 'nodeclaims', 'list'),
  ],
};

export interface KubeCall {
  method: string;
  file: string;
  line: number;
}

const API_CLASSES = [CoreV1Api, AppsV1Api, AutoscalingV1Api, AutoscalingV2Api, CustomObjectsApi, EventsV1Api];
const API_METHODS = new Set(
  API_CLASSES.flatMap((c) => Object.getOwnPropertyNames(c.prototype)).filter((n) => n !== 'constructor'),
);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'sandbox' ? [] : tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every Kubernetes API method called under `srcDir` (the sandbox, which serves the API, excluded). */
export function findKubeCalls(srcDir: string): KubeCall[] {
  const calls: KubeCall[] = [];
  for (const file of tsFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.\s*([A-Za-z]\w*)\s*\(/g)) {
      const method = m[1]!.replace(/WithHttpInfo$/, '');
      if (API_METHODS.has(m[1]!))
        calls.push({
          method,
          file: relative(join(srcDir, '..'), file),
          line: text.slice(0, m.index).split('\n').length,
        });
    }
  }
  return calls;
}
