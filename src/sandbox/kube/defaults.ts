import type { Container, Deployment, KubeObject, PodSpec } from './types.js';

/**
 * The API server's defaulting (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go) for the
 * objects clients can write. It runs on every create and update, so what a client reads back carries
 * the same fields as on a real cluster.
 */
type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `image` without a tag (and no digest) or tagged `latest` is pulled Always, anything else IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: unknown): void {
  if (!isObject(p)) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (isObject(p.httpGet)) {
    p.httpGet.path ??= '/';
    p.httpGet.scheme ??= 'HTTP';
  }
}

function defaultEnv(env: unknown): void {
  if (!Array.isArray(env)) return;
  for (const e of env) {
    const fieldRef = isObject(e) && isObject(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
    if (isObject(fieldRef)) fieldRef.apiVersion ??= 'v1';
  }
}

export function defaultContainer(c: Container): void {
  if (typeof c.image === 'string') c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  // ResourceRequirements is a struct without omitempty in Go: an unset one reads back as {}.
  c.resources ??= {};
  for (const port of Array.isArray(c.ports) ? c.ports : []) if (isObject(port)) port.protocol ??= 'TCP';
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  defaultEnv(c.env);
}

function defaultVolumes(volumes: unknown): void {
  if (!Array.isArray(volumes)) return;
  for (const v of volumes) {
    if (!isObject(v)) continue;
    for (const key of ['secret', 'configMap', 'projected', 'downwardAPI'])
      if (isObject(v[key])) v[key].defaultMode ??= 420;
  }
}

/** PodSpec defaults shared by pods and pod templates (admission adds more to pods, see makePod). */
export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const list of [spec.containers, spec.initContainers])
    for (const c of Array.isArray(list) ? list : []) if (isObject(c)) defaultContainer(c as Container);
  defaultVolumes(spec.volumes);
}

/** SetDefaults_Deployment plus the pod template's defaults. */
export function defaultDeployment(d: Deployment): void {
  if (!isObject(d.spec)) return;
  const spec = d.spec;
  spec.replicas ??= 1;
  spec.strategy ??= {};
  const strategy = spec.strategy;
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate ??= {};
    strategy.rollingUpdate.maxUnavailable ??= '25%';
    strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  if (isObject(spec.template) && isObject(spec.template.spec) && Array.isArray(spec.template.spec.containers))
    defaultPodSpec(spec.template.spec);
}

/** SetDefaults_Service (the IP allocation lives with the create strategy). */
export function defaultService(svc: KubeObject): void {
  svc.spec ??= {};
  const spec = svc.spec as Obj;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isObject(port)) continue;
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
  }
  svc.status ??= {};
  (svc.status as Obj).loadBalancer ??= {};
}

export function defaultSecret(secret: KubeObject): void {
  secret.type ??= 'Opaque';
}

const DEFAULTERS: Record<string, (o: KubeObject) => void> = {
  'deployments.apps': (o) => defaultDeployment(o as Deployment),
  services: defaultService,
  secrets: defaultSecret,
};

/** Applies the defaults of a resource (by qualified name) in place; resources without any are left alone. */
export function applyDefaults(resource: string, obj: KubeObject): void {
  DEFAULTERS[resource]?.(obj);
}

const POD_DEFAULTS: Record<string, unknown> = {
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
};
const CONTAINER_DEFAULTS: Record<string, unknown> = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};
const PROBE_DEFAULTS: Record<string, unknown> = {
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
};

function dropEqual(obj: Obj, defaults: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(defaults)) if (obj[k] === v) delete obj[k];
}

/**
 * A (defaulted) pod spec with the default-valued fields the seeds never wrote taken out, so that the
 * pod-template-hash of the seeded world, and with it every seeded pod name, stays what it was before
 * the API server's defaulting was simulated. Defaulted specs map one-to-one onto these views.
 */
export function hashView(spec: PodSpec): PodSpec {
  dropEqual(spec, POD_DEFAULTS);
  for (const c of [...(spec.containers ?? []), ...((spec.initContainers as Container[] | undefined) ?? [])]) {
    dropEqual(c, CONTAINER_DEFAULTS);
    if (typeof c.image === 'string' && c.imagePullPolicy === defaultPullPolicy(c.image))
      delete c.imagePullPolicy;
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
      if (isObject(c[probe])) dropEqual(c[probe] as Obj, PROBE_DEFAULTS);
  }
  return spec;
}
