import type { Clock } from '../shared/clock.js';
import type { CoderControl, SandboxState } from './types.js';
import { WORKSPACE_FAIL_STEPS } from './workspace-failures.js';
import { type TemplateSeed, WorkspaceSim } from './workspace-sim.js';
import { DEFAULT_WORKSPACE_TIMINGS, type WorkspaceTimings } from './workspace-timings.js';

const KEY_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
const DEFAULT_TEMPLATES: TemplateSeed[] = [
  { org: 'default', name: 'kubernetes' },
  { org: 'default', name: 'ai-workshop' },
];

export interface StateOptions {
  templates?: TemplateSeed[];
  workspaceTimings?: Partial<WorkspaceTimings>;
}

export function createState(clock: Clock, opts: StateOptions = {}): SandboxState {
  const seeds = [...DEFAULT_TEMPLATES, ...(opts.templates ?? [])].filter(
    (t, i, all) => all.findIndex((o) => o.org === t.org && o.name === t.name) === i,
  );
  return {
    databaseFailing: false,
    pendingJobs: new Map(),
    keyExpiry: new Date(clock.now() + KEY_LIFETIME_MS).toISOString(),
    startedAt: clock.now(),
    workspaces: new WorkspaceSim(
      seeds,
      { ...DEFAULT_WORKSPACE_TIMINGS, ...opts.workspaceTimings },
      clock.now(),
    ),
  };
}

/** Probe ids by role, so failure injection can refuse what a probe never serves. */
export interface CoderProbeIds {
  primary: string | undefined;
  proxies: string[];
}

function checkFailTarget(
  target: Parameters<CoderControl['failWorkspaces']>[0],
  step: string | null,
  ids: CoderProbeIds,
) {
  const probe = typeof target === 'string' ? target : 'probe' in target ? target.probe : undefined;
  if (probe === undefined) return;
  const known = [ids.primary, ...ids.proxies].filter((p) => p !== undefined);
  if (!known.includes(probe)) throw new Error(`unknown Coder probe "${probe}" (known: ${known.join(', ')})`);
  if (step !== null && step !== 'command' && ids.proxies.includes(probe)) {
    throw new Error(
      `${probe} is a workspace proxy: it only carries terminals (step "command"); ${ids.primary ?? 'the control plane'} creates, builds and deletes every region's workspaces — fail it there, or name the workspace ({workspace})`,
    );
  }
}

/** The control API over the shared state; handlers read the state on every request. */
export function createControl(state: SandboxState, clock: Clock, ids: CoderProbeIds): CoderControl {
  return {
    failDatabase(on) {
      state.databaseFailing = on;
    },
    setPendingJobs(org, n) {
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`pending jobs must be a non-negative integer, got ${n}`);
      if (n === 0) state.pendingJobs.delete(org);
      else state.pendingJobs.set(org, n);
    },
    setKeyExpiry(iso) {
      if (iso !== null && Number.isNaN(Date.parse(iso))) throw new Error(`not an ISO 8601 time: ${iso}`);
      state.keyExpiry = iso === null ? null : new Date(iso).toISOString();
    },
    failWorkspaces(target, step, message) {
      if (step !== null && !WORKSPACE_FAIL_STEPS.includes(step))
        throw new Error(`unknown step "${step}" (steps: ${WORKSPACE_FAIL_STEPS.join(', ')})`);
      checkFailTarget(target, step, ids);
      state.workspaces.failures.set(target, step, message);
    },
    reset() {
      const fresh = createState(clock);
      state.databaseFailing = fresh.databaseFailing;
      state.pendingJobs.clear();
      state.keyExpiry = fresh.keyExpiry;
      state.workspaces.reset(clock.now());
    },
  };
}
