import type { Environment } from '../inventory/schema.js';
import type { Clusters } from '../ports/clusters.js';
import type { DnsProvider, DnsResolver } from '../ports/dns-provider.js';
import type { HealthProbes } from '../ports/health-probes.js';
import type { Registry } from '../ports/registry.js';
import { ClusterView } from './cluster-view.js';

/** The ports checks read through. */
export interface CheckDeps {
  clusters: Clusters;
  probes: HealthProbes;
  dns: DnsProvider;
  resolver: DnsResolver;
  /** GHCR sources and their ECR mirrors; absent where none is configured (the mirror check then says so). */
  registry?: Registry;
}

export interface CheckOptions {
  /** A key rotation due within this long is a warning (it restarts every workspace). Default 1 h. */
  rotationDueWithinMs: number;
  /** Deadline of one cluster's (or endpoint's) part of a check, so the others still answer. */
  partDeadlineMs: number;
  /** Kubelet stats read at once per cluster. */
  nodeStatsConcurrency: number;
}

/** What every check of one run sees: the environment, its thresholds, and shared reads. */
export interface CheckContext {
  env: Environment;
  now: number;
  thresholds: Environment['thresholds'];
  options: CheckOptions;
  /** One view per cluster for the run: reads several checks need (nodes, pods) happen once. */
  cluster(id: string): ClusterView;
  probes: HealthProbes;
  dns: DnsProvider;
  resolver: DnsResolver;
  /** The image mirror's registries, when this opsbot has them. */
  registry?: Registry;
  /** The run's signal: cluster and registry reads still going when it aborts are cancelled. */
  signal?: AbortSignal;
}

export const DEFAULT_CHECK_OPTIONS: CheckOptions = {
  rotationDueWithinMs: 3_600_000,
  partDeadlineMs: 7_000,
  nodeStatsConcurrency: 8,
};

export function createCheckContext(
  env: Environment,
  deps: CheckDeps,
  now: number,
  options: Partial<CheckOptions> = {},
  signal?: AbortSignal,
): CheckContext {
  const views = new Map<string, ClusterView>();
  return {
    env,
    now,
    thresholds: env.thresholds,
    options: { ...DEFAULT_CHECK_OPTIONS, ...options },
    cluster(id) {
      let view = views.get(id);
      if (!view) {
        view = new ClusterView(deps.clusters.client(id), signal);
        views.set(id, view);
      }
      return view;
    },
    probes: deps.probes,
    dns: deps.dns,
    resolver: deps.resolver,
    ...(deps.registry ? { registry: deps.registry } : {}),
    ...(signal ? { signal } : {}),
  };
}
