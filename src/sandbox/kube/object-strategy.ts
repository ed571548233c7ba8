import type { ClusterSim } from './cluster-sim.js';
import { applyDefaults } from './defaults.js';
import { fnv32a } from './random.js';
import { type FieldCause, invalid } from './status-errors.js';
import type { Deployment, KubeObject } from './types.js';
import { validateDeployment } from './validate.js';

type Obj = Record<string, unknown>;

/**
 * What the API server's per-resource REST strategy does around a write: server-set fields on create,
 * fields an update may not drop, validation, and whether the controllers need to run.
 */
interface Strategy {
  prepareCreate?(sim: ClusterSim, obj: KubeObject): void;
  prepareUpdate?(current: KubeObject, next: KubeObject): void;
  validate?(obj: KubeObject, name: string, current?: KubeObject): void;
  /** Writes to the main resource keep the live status (it has a status subresource). */
  keepStatus?: boolean;
  /** Writes wake the controllers. */
  kick?: boolean;
}

/** The service CIDR of an EKS cluster (172.20.0.0/16, the API server's own service on .0.1). */
function allocateClusterIP(sim: ClusterSim, namespace: string, name: string): string {
  const taken = new Set(
    sim.store.peek('services').map((s) => String((s.spec as Obj | undefined)?.clusterIP ?? '')),
  );
  for (let i = 0; ; i++) {
    const h = fnv32a(`${namespace}/${name}/${i}`);
    const ip = `172.20.${(h >>> 8) % 256}.${2 + (h % 252)}`;
    if (!taken.has(ip)) return ip;
  }
}

const SERVICE_IP_FIELDS = ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy'];

const service: Strategy = {
  keepStatus: true,
  prepareCreate(sim, obj) {
    const spec = obj.spec as Obj;
    if (spec.type === 'ExternalName') return;
    if (!spec.clusterIP)
      spec.clusterIP = allocateClusterIP(sim, obj.metadata.namespace ?? '', obj.metadata.name);
    spec.clusterIPs ??= [spec.clusterIP];
    if (spec.clusterIP !== 'None' || spec.ipFamilies === undefined) spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  },
  // The allocated IPs stay when a write leaves them out (a PATCH or an apply that never set them).
  prepareUpdate(current, next) {
    const from = current.spec as Obj;
    next.spec ??= {};
    const to = next.spec as Obj;
    for (const f of SERVICE_IP_FIELDS) if (to[f] === undefined && from[f] !== undefined) to[f] = from[f];
  },
  validate(obj, name) {
    const spec = obj.spec as Obj;
    const ports = Array.isArray(spec.ports) ? (spec.ports as Obj[]) : [];
    const causes: FieldCause[] = [];
    if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None')
      causes.push({ field: 'spec.ports', message: 'Required value', reason: 'FieldValueRequired' });
    ports.forEach((p, i) => {
      const port = Number(p.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        causes.push({
          field: `spec.ports[${i}].port`,
          message: `Invalid value: ${JSON.stringify(p.port ?? 0)}: must be between 1 and 65535, inclusive`,
        });
      if (ports.length > 1 && !p.name)
        causes.push({
          field: `spec.ports[${i}].name`,
          message: 'Required value',
          reason: 'FieldValueRequired',
        });
    });
    if (causes.length) throw invalid('Service', '', name, causes);
  },
};

/** `stringData` is write-only: merged into `data` (base64) and never stored. */
function foldStringData(obj: KubeObject): void {
  const stringData = obj.stringData as Record<string, string> | undefined;
  if (!stringData) return;
  const data = ((obj.data as Record<string, string> | undefined) ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
  obj.data = data;
  delete obj.stringData;
}

const secret: Strategy = {
  prepareCreate: (_sim, obj) => foldStringData(obj),
  prepareUpdate: (_current, next) => foldStringData(next),
  validate(obj, name) {
    const causes: FieldCause[] = [];
    for (const key of Object.keys((obj.data as Obj | undefined) ?? {}))
      if (!/^[-._a-zA-Z0-9]+$/.test(key))
        causes.push({
          field: `data[${key}]`,
          message: `Invalid value: ${JSON.stringify(key)}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
        });
    if (causes.length) throw invalid('Secret', '', name, causes);
  },
};

function binding(kind: string): Strategy {
  return {
    validate(obj, name, current) {
      const roleRef = obj.roleRef as Obj | undefined;
      if (!roleRef?.name || !roleRef.kind)
        throw invalid(kind, 'rbac.authorization.k8s.io', name, [
          { field: 'roleRef.name', message: 'Required value', reason: 'FieldValueRequired' },
        ]);
      if (current && JSON.stringify(current.roleRef) !== JSON.stringify(roleRef))
        throw invalid(kind, 'rbac.authorization.k8s.io', name, [
          {
            field: 'roleRef',
            message: `Invalid value: rbac.RoleRef{APIGroup:"${roleRef.apiGroup ?? ''}", Kind:"${roleRef.kind}", Name:"${roleRef.name}"}: cannot change roleRef`,
          },
        ]);
    },
  };
}

const STRATEGIES: Record<string, Strategy> = {
  'deployments.apps': {
    keepStatus: true,
    kick: true,
    validate(obj, name, current) {
      validateDeployment(obj, name, (current as Deployment | undefined)?.spec.selector);
    },
  },
  services: service,
  secrets: secret,
  'rolebindings.rbac.authorization.k8s.io': binding('RoleBinding'),
  'clusterrolebindings.rbac.authorization.k8s.io': binding('ClusterRoleBinding'),
};

/** Server-set fields and defaulting of an object about to be stored (create when `current` is absent). */
export function prepareObject(
  sim: ClusterSim,
  resource: string,
  obj: KubeObject,
  current?: KubeObject,
): void {
  const s = STRATEGIES[resource] ?? {};
  if (current) {
    if (s.keepStatus) {
      if (current.status === undefined) delete obj.status;
      else obj.status = current.status;
    }
    s.prepareUpdate?.(current, obj);
  } else {
    if (s.keepStatus) obj.status = {};
    s.prepareCreate?.(sim, obj);
  }
  applyDefaults(resource, obj);
}

/** The resource's validation; throws 422 Invalid as the API server words it. */
export function validateObject(resource: string, obj: KubeObject, name: string, current?: KubeObject): void {
  STRATEGIES[resource]?.validate?.(obj, name, current);
}

export function wakesControllers(resource: string): boolean {
  return STRATEGIES[resource]?.kick === true;
}
