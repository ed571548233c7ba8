import type { Probe } from '../../inventory/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Faults } from '../shared/faults.js';
import type { WorkspaceFailStep, WorkspaceFailTarget } from './workspace-failures.js';
import type { TemplateSeed, WorkspaceSim } from './workspace-sim.js';
import type { WorkspaceTimings } from './workspace-timings.js';

/** Live facts from the rest of the sandbox (kube clusters), read on every request. */
export interface WorldFacts {
  /** One entry per Coder organization with external provisioners. */
  provisioners: { org: string; ready: number; desired: number }[];
  /** Workspace proxies; `id` is the proxy's name, i.e. its probe id (`oregon-proxy`). */
  proxies: { id: string; healthy: boolean; imageDigest: string }[];
  controlPlaneImageDigest: string;
  litellmReady: number;
}

export interface CoderSandboxOptions {
  probes: Probe[];
  clock: Clock;
  /** API names `coder` (every coder-kind probe) and `litellm`. */
  faults: Faults;
  /** The valid Coder-Session-Token (`<10 chars>-<22 chars>`, see `generateCoderSessionToken`). */
  sessionToken: string;
  /** The LiteLLM key opsbot holds (`sk-…`): proxy admin, and the key `/key/info` reports on. */
  litellmMasterKey: string;
  facts: () => WorldFacts;
  /** Coder release the images carry; the build metadata after `+` comes from the digest. Default v2.28.0. */
  coderVersion?: string;
  /** LiteLLM release reported by readiness. Default 1.79.0. */
  litellmVersion?: string;
  /**
   * Templates to serve besides `default/kubernetes` and `default/ai-workshop` (e.g. the inventory's
   * `workshop.smoke` templates).
   */
  templates?: TemplateSeed[];
  /** How fast simulated builds and agents progress (defaults: a few seconds each). */
  workspaceTimings?: Partial<WorkspaceTimings>;
}

export interface CoderControl {
  /** Coder's database ping fails (debug health `database` → error) and LiteLLM loses its DB. */
  failDatabase(on: boolean): void;
  /** Pending provisioner jobs queued for an organization (name, e.g. `default`). */
  setPendingJobs(org: string, n: number): void;
  /** Expiry of the LiteLLM key (ISO 8601), or null for a key that never expires. */
  setKeyExpiry(iso: string | null): void;
  /**
   * Make a workspace step fail until cleared (`step: null`). `target` is a probe id (or `{probe}`):
   * requests that probe serves fail — the control plane serves create/build/agent/delete for every
   * region, a workspace proxy only carries terminals (`command`); or `{workspace: name}`: only that
   * workspace's steps fail, whichever probe serves them. A build or delete failure is Coder's: the
   * job ends `failed` with `message` as its error; create answers 500; agent ends in `start_error`;
   * command closes the terminal with `dial workspace agent: <message>`.
   */
  failWorkspaces(target: WorkspaceFailTarget, step: WorkspaceFailStep | null, message?: string): void;
  /** Back to the initial state: database up, no pending jobs, key valid for 30 days from now, no workspaces. */
  reset(): void;
}

export interface CoderSandbox {
  /** Probe id → base URL in the sandbox (`http://127.0.0.1:<port>/<probe-id>`). */
  urls: Record<string, string>;
  control: CoderControl;
  close(): Promise<void>;
}

/** Mutable state behind the control API. */
export interface SandboxState {
  databaseFailing: boolean;
  pendingJobs: Map<string, number>;
  keyExpiry: string | null;
  /** When the sandbox started: creation times of the simulated objects. */
  startedAt: number;
  /** Templates, workspaces, builds and their jobs. */
  workspaces: WorkspaceSim;
}

/** What a request handler for one probe needs. */
export interface ProbeContext {
  probe: Probe;
  /** The primary (control-plane) Coder probe, for URLs proxies point at. */
  primary: Probe | undefined;
  opts: Required<Pick<CoderSandboxOptions, 'coderVersion' | 'litellmVersion'>> & CoderSandboxOptions;
  state: SandboxState;
}
