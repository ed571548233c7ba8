import type { RoleResolver } from '../access/role-resolver.js';
import { UserError } from '../errors/user-error.js';
import type { Environment } from '../inventory/schema.js';
import type { PlanDeps } from '../plans/plan-deps.js';
import type { Clusters } from '../ports/clusters.js';
import type { CoderWorkspaces } from '../ports/coder-workspaces.js';
import type { DnsProvider, DnsResolver } from '../ports/dns-provider.js';
import type { HealthProbes } from '../ports/health-probes.js';
import type { Registry } from '../ports/registry.js';

/** Everything jobs may use, built once by the composition root (src/main.ts). */
export interface JobDeps extends PlanDeps {
  environments: ReadonlyMap<string, Environment>;
  clusters: Clusters;
  dns: DnsProvider;
  /** DNS-over-HTTPS lookups, to verify what the internet sees. */
  resolver: DnsResolver;
  /** Coder's and LiteLLM's health endpoints (`/diagnose`). */
  probes: HealthProbes;
  /** Coder's workspace API (`/workshop` smoke tests and summary figures); absent where not configured. */
  workspaces?: CoderWorkspaces;
  /** GHCR sources and their ECR mirrors (`/images`); absent where no registry is configured. */
  registry?: Registry;
  /** Reads are scoped to the environments where the caller holds a role, checked again in the job. */
  roles: RoleResolver;
  /** Deadlines of the check engine, when not the defaults. */
  checks?: { deadlineMs?: number; partDeadlineMs?: number };
}

export function environmentOf(deps: Pick<JobDeps, 'environments'>, name: string): Environment {
  const env = deps.environments.get(name);
  if (!env)
    throw new UserError(`unknown environment "${name}"`, {
      hint: `Known: ${[...deps.environments.keys()].join(', ')}`,
    });
  return env;
}
