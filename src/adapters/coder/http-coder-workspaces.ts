import { UserError } from '../../errors/user-error.js';
import type { Probe } from '../../inventory/schema.js';
import type { CallOptions } from '../../ports/call-options.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type {
  CoderWorkspaces,
  ProvisionerQueue,
  SmokeResult,
  SmokeTarget,
} from '../../ports/coder-workspaces.js';
import { type CoderClient, coderError } from './coder-client.js';
import { ProvisionerJobs, WorkspacesResponse } from './coder-schemas.js';
import type { PollPacing } from './deadline.js';
import { type CoderEndpoints, resolveCoderApi } from './resolve-coder-api.js';
import { runSmokeTest, type SmokeSettings } from './run-smoke-test.js';

export interface HttpCoderWorkspacesOptions {
  /** Probe id → base URL overriding the inventory's (`PROBE_URL_<ID>`; the sandbox uses them). */
  urls?: Record<string, string>;
  coderSessionToken?: string;
  /** Every inventory probe, to find a proxy's control plane (its `dashboard_url`) and its URL override. */
  probes?: Probe[];
  /** For provisioner queue waits (job `created_at` against now). */
  clock?: Clock;
  /** Deadline of one request (default 10 s). */
  requestTimeoutMs?: number;
  /** A smoke test's budget up to the command, when the caller gives none (default 10 min). */
  smokeTimeoutMs?: number;
  /** Budget of the deletion after the test (default 3 min). */
  cleanupTimeoutMs?: number;
  /** Longest wait for the terminal (default 60 s). */
  commandTimeoutMs?: number;
  /** Build and agent polling (default 1 s growing to 5 s). */
  pollMs?: PollPacing;
}

/** CoderWorkspaces over Coder's REST API and terminal websocket, with opsbot's session token. */
export class HttpCoderWorkspaces implements CoderWorkspaces {
  private readonly endpoints: CoderEndpoints;
  private readonly settings: SmokeSettings;
  private readonly clock: Clock;
  private readonly smokeTimeoutMs: number;

  constructor(opts: HttpCoderWorkspacesOptions = {}) {
    this.endpoints = {
      urls: opts.urls,
      probes: opts.probes,
      token: opts.coderSessionToken,
      requestTimeoutMs: opts.requestTimeoutMs ?? 10_000,
    };
    this.settings = {
      endpoints: this.endpoints,
      pacing: opts.pollMs ?? { initialMs: 1_000, maxMs: 5_000 },
      cleanupTimeoutMs: opts.cleanupTimeoutMs ?? 180_000,
      commandTimeoutMs: opts.commandTimeoutMs ?? 60_000,
    };
    this.clock = opts.clock ?? systemClock;
    this.smokeTimeoutMs = opts.smokeTimeoutMs ?? 600_000;
  }

  async smokeTest(
    target: SmokeTarget,
    opts: { name: string; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<SmokeResult> {
    this.requireToken(target.probe, 'smoke test');
    return runSmokeTest(
      target,
      {
        name: opts.name,
        timeoutMs: opts.timeoutMs ?? this.smokeTimeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      this.settings,
    );
  }

  async workspaceCount(probe: Probe, opts: CallOptions = {}): Promise<number> {
    const api = await this.api(probe, 'counting workspaces', opts.signal);
    const res = await api.get('/api/v2/workspaces?limit=1', WorkspacesResponse, opts.signal);
    if (!res.ok) throw coderError(res, probe.id, 'counting workspaces');
    return res.data.count;
  }

  async provisionerQueue(probe: Probe, org: string, opts: CallOptions = {}): Promise<ProvisionerQueue> {
    const doing = `reading the provisioner queue of ${org}`;
    const api = await this.api(probe, doing, opts.signal);
    // limit=0: every pending job, so the oldest is among them.
    const path = `/api/v2/organizations/${encodeURIComponent(org)}/provisionerjobs?status=pending&limit=0`;
    const res = await api.get(path, ProvisionerJobs, opts.signal);
    if (!res.ok) throw coderError(res, probe.id, doing);
    const pending = res.data.filter((j) => j.status === 'pending');
    const oldest = Math.min(...pending.map((j) => Date.parse(j.created_at)).filter((t) => !Number.isNaN(t)));
    return {
      pending: pending.length,
      oldestWaitMs: Number.isFinite(oldest) ? Math.max(0, this.clock.now() - oldest) : 0,
    };
  }

  private async api(probe: Probe, doing: string, signal: AbortSignal | undefined): Promise<CoderClient> {
    this.requireToken(probe, doing);
    const resolved = await resolveCoderApi(probe, this.endpoints, signal);
    if (!resolved.ok) throw coderError(resolved, probe.id, doing);
    return resolved.data;
  }

  private requireToken(probe: Probe, doing: string): void {
    if (!this.endpoints.token)
      throw new UserError(
        `CODER_SESSION_TOKEN is not set: opsbot cannot use Coder's workspace API on ${probe.id} (${doing}).`,
      );
  }
}
