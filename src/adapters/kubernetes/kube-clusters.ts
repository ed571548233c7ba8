import type { Clusters } from '../../ports/clusters.js';
import {
  KubeClusterClient,
  type KubeClusterClientOptions,
  type KubeConfigSource,
} from './kube-cluster-client.js';

/** The Clusters port: one client per cluster id, sharing one credential source. */
export class KubeClusters implements Clusters {
  private readonly clients = new Map<string, KubeClusterClient>();

  constructor(
    private readonly source: KubeConfigSource,
    private readonly options: KubeClusterClientOptions = {},
  ) {}

  client(clusterId: string): KubeClusterClient {
    let client = this.clients.get(clusterId);
    if (!client) {
      client = new KubeClusterClient(clusterId, this.source, this.options);
      this.clients.set(clusterId, client);
    }
    return client;
  }
}
