/** How long the simulated provisioners and agents take, on the sandbox clock. */
export interface WorkspaceTimings {
  /** From a build's creation until a free provisioner daemon picks its job up. */
  pickupMs: number;
  /** `terraform apply` of a start build. */
  startBuildMs: number;
  /** `terraform apply` of a stop or delete build. */
  stopBuildMs: number;
  /** Start build finished → the agent dials in (status `connecting` → `connected`). */
  agentConnectMs: number;
  /** Agent connected → startup scripts done (lifecycle `starting` → `ready`). */
  agentStartupMs: number;
  /** A running job acknowledging a cancel (`canceling` → `canceled`). */
  cancelMs: number;
}

/** A smoke test takes about 5 s: short enough for a demo, long enough to see every state while polling. */
export const DEFAULT_WORKSPACE_TIMINGS: WorkspaceTimings = {
  pickupMs: 300,
  startBuildMs: 2_000,
  stopBuildMs: 1_000,
  agentConnectMs: 500,
  agentStartupMs: 1_000,
  cancelMs: 300,
};
