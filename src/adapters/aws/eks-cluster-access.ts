import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { KubeConfig } from '@kubernetes/client-node';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { TransientError } from '../../errors/transient-error.js';
import { UserError } from '../../errors/user-error.js';
import type { Cluster } from '../../inventory/schema.js';
import type { CallOptions } from '../../ports/call-options.js';
import { abortable } from '../../ports/call-options.js';
import type { Clock } from '../../ports/clock.js';
import { mintEksToken } from './eks-token.js';

export interface EksClusterAccessOptions {
  clusters: readonly Cluster[];
  credentials: AwsCredentialIdentityProvider;
  /** `AWS_ENDPOINT_URL` style override (the sandbox); production leaves it unset. */
  endpoint?: string;
  clock: Clock;
  /** Refresh this long before the token's expiry. */
  refreshMarginMs?: number;
}

interface Cached {
  kubeConfig: KubeConfig;
  expiresAt: number;
}

/**
 * Per-cluster access for production: DescribeCluster (cached) for endpoint and CA, and an EKS
 * bearer token minted from the default AWS credential chain, refreshed before it expires.
 */
export class EksClusterAccess {
  private readonly described = new Map<string, Promise<{ endpoint: string; caData: string }>>();
  private readonly configs = new Map<string, Cached>();
  private readonly eksClients = new Map<string, EKSClient>();

  constructor(private readonly opts: EksClusterAccessOptions) {}

  /**
   * The signal only stops this caller waiting: DescribeCluster is shared by every caller of the cluster
   * (one cached request), so one aborted run must not cancel it for the others.
   */
  async kubeConfig(clusterId: string, opts: CallOptions = {}): Promise<KubeConfig> {
    const cached = this.configs.get(clusterId);
    const margin = this.opts.refreshMarginMs ?? 60_000;
    if (cached && cached.expiresAt - margin > this.opts.clock.now()) return cached.kubeConfig;
    const cluster = this.cluster(clusterId);
    const { endpoint, caData } = await abortable(this.describe(cluster), opts.signal);
    const { token, expiresAt } = await mintEksToken({
      clusterName: cluster.eksName,
      region: cluster.region,
      credentials: this.opts.credentials,
      ...(this.opts.endpoint ? { stsEndpoint: this.opts.endpoint } : {}),
      now: () => new Date(this.opts.clock.now()),
    });
    // Reloading the user on the same KubeConfig would also refresh live clients; a new one keeps it simple.
    const kubeConfig = cached?.kubeConfig ?? new KubeConfig();
    kubeConfig.loadFromClusterAndUser(
      { name: cluster.id, server: endpoint, caData, skipTLSVerify: false },
      {
        name: 'opsbot',
        token,
      },
    );
    this.configs.set(clusterId, { kubeConfig, expiresAt: expiresAt.getTime() });
    return kubeConfig;
  }

  /** Forget the token (after a 401) so the next call mints a fresh one. */
  invalidate(clusterId: string): void {
    this.configs.delete(clusterId);
  }

  private cluster(clusterId: string): Cluster {
    const cluster = this.opts.clusters.find((c) => c.id === clusterId);
    if (!cluster) throw new UserError(`unknown cluster "${clusterId}"`);
    return cluster;
  }

  private describe(cluster: Cluster): Promise<{ endpoint: string; caData: string }> {
    let pending = this.described.get(cluster.id);
    if (!pending) {
      pending = this.fetchDescription(cluster);
      this.described.set(cluster.id, pending);
      pending.catch(() => this.described.delete(cluster.id));
    }
    return pending;
  }

  private async fetchDescription(cluster: Cluster): Promise<{ endpoint: string; caData: string }> {
    let client = this.eksClients.get(cluster.region);
    if (!client) {
      client = new EKSClient({
        region: cluster.region,
        credentials: this.opts.credentials,
        maxAttempts: 2,
        ...(this.opts.endpoint ? { endpoint: this.opts.endpoint } : {}),
      });
      this.eksClients.set(cluster.region, client);
    }
    try {
      const out = await client.send(new DescribeClusterCommand({ name: cluster.eksName }));
      const endpoint = out.cluster?.endpoint;
      const caData = out.cluster?.certificateAuthority?.data;
      if (!endpoint || !caData)
        throw new UserError(`EKS cluster ${cluster.eksName} has no endpoint or CA yet`);
      return { endpoint, caData };
    } catch (err) {
      if (err instanceof UserError) throw err;
      const name = (err as { name?: string }).name ?? 'Error';
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // Throttling, 5xx and network failures pass; only refusals and unknown clusters are the user's to fix.
      if (
        !/AccessDenied|NotFound|UnrecognizedClient|InvalidClientTokenId/.test(name) &&
        (status === undefined || status === 429 || status >= 500)
      )
        throw new TransientError(`DescribeCluster ${cluster.eksName} failed (${name})`, {
          cause: err,
          ...(status === undefined
            ? { kind: /Timeout/i.test(name) ? 'timeout' : 'unreachable' }
            : { kind: status === 429 ? 'rate-limited' : 'server-error', status }),
        });
      throw describeRefusal(cluster, name);
    }
  }

  destroy(): void {
    for (const c of this.eksClients.values()) c.destroy();
  }
}

/**
 * EKS refused DescribeCluster: each cause gets the advice that fits it. A cluster that does not exist is an
 * inventory (or region) mistake, not a missing permission; only AccessDenied is the IAM role's to fix.
 */
export function describeRefusal(cluster: Cluster, errorName: string): UserError {
  const where = `EKS cluster \`${cluster.eksName}\` in ${cluster.region}`;
  if (/NotFound/.test(errorName))
    return new UserError(
      `EKS has no cluster named \`${cluster.eksName}\` in ${cluster.region} (${errorName}). Check \`eksName\` and \`region\` of cluster ${cluster.id} in the inventory.`,
    );
  if (/UnrecognizedClient|InvalidClientTokenId/.test(errorName))
    return new UserError(
      `AWS did not accept opsbot's credentials while describing ${where} (${errorName}). Check the worker's IAM role (EKS Pod Identity or IRSA) and its ServiceAccount.`,
    );
  return new UserError(
    `AWS denied describing ${where} (${errorName}). opsbot's IAM role needs eks:DescribeCluster on it (infra/terraform).`,
  );
}
