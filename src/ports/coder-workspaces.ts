import type { Probe } from '../inventory/schema.js';
import type { CallOptions } from './call-options.js';

/** One step of a smoke test, as the go/no-go report shows it. */
export interface SmokeStep {
  name: 'template' | 'create' | 'build' | 'agent' | 'command' | 'delete';
  ok: boolean;
  ms: number;
  /** Why it failed, in Coder's words (escaped by the renderer, never trusted). */
  detail?: string;
}

export interface SmokeResult {
  region: string;
  ok: boolean;
  steps: SmokeStep[];
  /** The first failed step's detail: the reason a no-go names. */
  reason?: string;
  ms: number;
}

export interface SmokeTarget {
  region: string;
  /** The coder-kind probe whose URL the test goes through (control plane or a workspace proxy). */
  probe: Probe;
  template: string;
  org: string;
}

/** A provisioner queue as the workshop summary samples it. */
export interface ProvisionerQueue {
  pending: number;
  /** How long the oldest pending job has waited; 0 when none waits. */
  oldestWaitMs: number;
}

/**
 * Coder's workspace API as `/workshop` needs it: a smoke test per region and the figures its summary
 * charts. Implemented over HTTP by `src/adapters/coder/`; the sandbox serves the same API.
 */
export interface CoderWorkspaces {
  /**
   * Creates a workspace named `name` from the target's template, waits for its build and agent, runs a
   * command in it and deletes it. Never throws for a failing Coder: the result says which step failed.
   *
   * A workspace proxy serves only terminals and apps, so create/build/delete go to the control plane
   * the target's probe names (its `/api/v2/buildinfo`), and the command runs through the target's own
   * URL — the region's path to the workspace. `timeoutMs` bounds everything up to the command; the
   * delete that follows (after a failure, timeout or abort too) has its own budget. A workspace that
   * already has the name is reported (409), never deleted. Throws a UserError only for opsbot's own
   * configuration (no session token).
   */
  smokeTest(
    target: SmokeTarget,
    opts: { name: string; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<SmokeResult>;
  /** Workspaces in the deployment (`GET /api/v2/workspaces` count; a proxy probe asks its control plane). */
  workspaceCount(probe: Probe, opts?: CallOptions): Promise<number>;
  /** Pending jobs of an organization and the oldest one's wait (job `created_at` against opsbot's clock). */
  provisionerQueue(probe: Probe, org: string, opts?: CallOptions): Promise<ProvisionerQueue>;
}
