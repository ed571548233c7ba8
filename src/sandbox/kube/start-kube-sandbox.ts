import type { Environment } from '../../inventory/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Faults } from '../shared/faults.js';
import { type RunningServer, serve } from '../shared/http.js';
import type { AccessEntry, TokenValidator } from './authenticate.js';
import { ClusterSim } from './cluster-sim.js';
import { KubeControl } from './kube-control.js';
import { kubeHandler } from './kube-handler.js';
import { writeKubeconfigFile } from './kubeconfig.js';
import { seedCluster } from './seed-cluster.js';
import { generateTls } from './tls.js';

export type { ManagedBy } from './deployment-ops.js';
export type { ClusterSnapshot } from './kube-control.js';
export { KubeControl } from './kube-control.js';
export { ROTATED_AT_ANNOTATION } from './rotation-secret.js';

export interface KubeSandboxOptions {
  env: Environment;
  clock: Clock;
  /** API names `kube:<clusterId>`. */
  faults: Faults;
  /** The token written into the kubeconfig for kubectl; valid on every cluster. */
  staticToken: string;
  /** Validates `k8s-aws-v1.` EKS bearer tokens (supplied by the AWS sandbox). Absent → only staticToken works. */
  validateToken?: TokenValidator;
  /** EKS access entries: IAM principal ARN → Kubernetes username and groups (RBAC applies to them). */
  accessEntries?: Record<string, AccessEntry>;
  /** Inventory image id → container image reference and manifest digest used by pod templates / pod imageID. */
  images: Record<string, { ref: string; digest: string }>;
  /** Time per pod transition (default 250 ms). */
  rolloutStepMs?: number;
}

export interface KubeClusterEndpoint {
  id: string;
  eksName: string;
  region: string;
  server: string;
  /** Base64 PEM of the CA, as EKS DescribeCluster returns it. */
  caData: string;
}

export interface KubeSandbox {
  clusters: Map<string, KubeClusterEndpoint>;
  /** One context per cluster id, user token = staticToken. */
  writeKubeconfig(path: string): Promise<void>;
  control: KubeControl;
  close(): Promise<void>;
}

/** Starts one HTTPS Kubernetes API server per cluster of the environment, seeded from the inventory. */
export async function startKubeSandbox(opts: KubeSandboxOptions): Promise<KubeSandbox> {
  const tls = await generateTls();
  const caData = Buffer.from(tls.caCert).toString('base64');
  const auth = {
    staticToken: opts.staticToken,
    ...(opts.validateToken ? { validateToken: opts.validateToken } : {}),
    ...(opts.accessEntries ? { accessEntries: opts.accessEntries } : {}),
  };
  const sims = new Map<string, ClusterSim>();
  const servers: RunningServer[] = [];
  const clusters = new Map<string, KubeClusterEndpoint>();
  try {
    for (const c of opts.env.clusters) {
      const sim = new ClusterSim({
        cluster: c,
        env: opts.env,
        clock: opts.clock,
        images: opts.images,
        rolloutStepMs: opts.rolloutStepMs ?? 250,
      });
      seedCluster(sim);
      sims.set(c.id, sim);
      const server = await serve(kubeHandler(sim, auth, opts.faults), {
        tls: { key: tls.key, cert: tls.cert },
      });
      servers.push(server);
      clusters.set(c.id, { id: c.id, eksName: c.eksName, region: c.region, server: server.url, caData });
    }
  } catch (err) {
    for (const s of sims.values()) s.close();
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  return {
    clusters,
    writeKubeconfig: (path) => writeKubeconfigFile(path, [...clusters.values()], opts.staticToken),
    control: new KubeControl(sims, opts.env),
    close: async () => {
      for (const s of sims.values()) s.close();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
