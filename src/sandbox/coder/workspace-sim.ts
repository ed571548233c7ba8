import { randomUUID } from 'node:crypto';
import { stableUuid } from './coder-http.js';
import { WorkspaceFailures } from './workspace-failures.js';
import {
  jobActive,
  type SimBuild,
  type SimJob,
  type SimTemplate,
  type SimWorkspace,
  type Transition,
} from './workspace-model.js';
import type { WorkspaceTimings } from './workspace-timings.js';

/** Provisioner daemons of an organization right now; `blocked` while the control API's queue holds them. */
export type Daemons = (org: string) => { ready: number; blocked: boolean };

export interface TemplateSeed {
  org: string;
  name: string;
}

/**
 * Templates, workspaces, builds and their provisioner jobs. Time moves only when a request looks
 * (`advance`): a pending job starts when its organization has a free daemon, runs for the build's
 * duration and completes; a start build brings up an agent. Scale the daemons to 0 and jobs wait.
 */
export class WorkspaceSim {
  readonly failures = new WorkspaceFailures();
  private readonly templates = new Map<string, SimTemplate>();
  private readonly workspaces = new Map<string, SimWorkspace>();
  private lastAdvance: number;

  constructor(
    private readonly seeds: TemplateSeed[],
    readonly timings: WorkspaceTimings,
    now: number,
  ) {
    this.lastAdvance = now;
    this.seed(now);
  }

  reset(now: number): void {
    this.workspaces.clear();
    this.templates.clear();
    this.failures.clear();
    this.lastAdvance = now;
    this.seed(now);
  }

  templatesOf(org: string): SimTemplate[] {
    return [...this.templates.values()].filter((t) => t.org === org);
  }

  template(id: string): SimTemplate | undefined {
    return this.templates.get(id);
  }

  orgs(): string[] {
    return [...new Set([...this.templates.values()].map((t) => t.org))];
  }

  workspace(id: string): SimWorkspace | undefined {
    return this.workspaces.get(id);
  }

  /** Every workspace, deleted ones too, oldest first. */
  all(): SimWorkspace[] {
    return [...this.workspaces.values()];
  }

  /** Workspaces not deleted, oldest first. */
  live(): SimWorkspace[] {
    return [...this.workspaces.values()].filter((w) => !w.deleted);
  }

  byName(name: string): SimWorkspace | undefined {
    return this.live().find((w) => w.name === name);
  }

  /** Every build job of an organization, with its workspace and build. */
  jobsOf(org: string): { ws: SimWorkspace; build: SimBuild }[] {
    return [...this.workspaces.values()].flatMap((ws) =>
      ws.builds.filter((b) => b.job.org === org).map((build) => ({ ws, build })),
    );
  }

  /** The agent with this id and the build it belongs to. */
  agent(id: string): { ws: SimWorkspace; build: SimBuild } | undefined {
    for (const ws of this.workspaces.values()) {
      const build = ws.builds.find((b) => b.agent?.id === id);
      if (build) return { ws, build };
    }
    return undefined;
  }

  runningWorkers(org: string): Set<number> {
    const busy = new Set<number>();
    for (const { build } of this.jobsOf(org)) {
      const job = build.job;
      if (job.startedAt !== undefined && job.completedAt === undefined && job.worker !== undefined)
        busy.add(job.worker);
    }
    return busy;
  }

  create(template: SimTemplate, name: string, via: string, now: number, daemons: Daemons): SimWorkspace {
    const ws: SimWorkspace = {
      id: randomUUID(),
      name,
      org: template.org,
      templateId: template.id,
      createdAt: now,
      deleted: false,
      builds: [],
    };
    this.workspaces.set(ws.id, ws);
    this.build(ws, 'start', { via, orphan: false, now, daemons });
    return ws;
  }

  build(
    ws: SimWorkspace,
    transition: Transition,
    opts: { via: string; orphan: boolean; now: number; daemons: Daemons },
  ): SimBuild {
    const job: SimJob = { id: randomUUID(), org: ws.org, fileId: randomUUID(), createdAt: opts.now };
    const build: SimBuild = {
      id: randomUUID(),
      number: ws.builds.length + 1,
      transition,
      createdAt: opts.now,
      job,
      via: opts.via,
      orphan: opts.orphan,
    };
    ws.builds.push(build);
    // wsbuilder completes an orphan delete itself when no provisioner could run it.
    if (opts.orphan && opts.daemons(ws.org).ready === 0) {
      job.startedAt = opts.now;
      job.completedAt = opts.now;
      ws.deleted = true;
    }
    return build;
  }

  /** PATCH …/cancel: a pending job is done at once; a running one once its daemon acknowledges. */
  cancel(build: SimBuild, now: number): void {
    build.job.canceledAt = now;
    if (build.job.startedAt === undefined) build.job.completedAt = now;
  }

  advance(now: number, daemons: Daemons): void {
    // The control API's reset moves the clock back; never start a job in the future.
    const since = Math.min(this.lastAdvance, now);
    const all = [...this.workspaces.values()]
      .flatMap((ws) => ws.builds.map((build) => ({ ws, build })))
      .sort((a, b) => a.build.createdAt - b.build.createdAt);
    for (const { ws, build } of all) {
      if (!jobActive(build.job)) continue;
      if (build.job.startedAt === undefined && !this.pickUp(build.job, now, since, daemons)) continue;
      const end = this.endOf(build);
      if (now >= end) this.complete(ws, build, end);
    }
    this.lastAdvance = now;
  }

  private pickUp(job: SimJob, now: number, since: number, daemons: Daemons): boolean {
    const { ready, blocked } = daemons(job.org);
    const eligibleAt = job.createdAt + this.timings.pickupMs;
    if (blocked || now < eligibleAt) return false;
    const busy = this.runningWorkers(job.org);
    const free = Array.from({ length: ready }, (_, i) => i).find((i) => !busy.has(i));
    if (free === undefined) return false;
    // Unobserved time: assume a daemon was free since the last look, not since creation.
    job.startedAt = Math.max(eligibleAt, since);
    job.worker = free;
    return true;
  }

  private endOf(build: SimBuild): number {
    const started = build.job.startedAt as number;
    const runFor = build.transition === 'start' ? this.timings.startBuildMs : this.timings.stopBuildMs;
    const done = started + runFor;
    const canceled = build.job.canceledAt;
    return canceled === undefined
      ? done
      : Math.min(done, Math.max(started, canceled + this.timings.cancelMs));
  }

  private complete(ws: SimWorkspace, build: SimBuild, at: number): void {
    build.job.completedAt = at;
    if (build.job.canceledAt !== undefined) return;
    const where = { probe: build.via, workspace: ws.name };
    const step = build.transition === 'start' ? 'build' : build.transition === 'delete' ? 'delete' : null;
    const error = step === null ? undefined : this.failures.match(step, where);
    if (error !== undefined) {
      build.job.error = error;
      return;
    }
    if (build.transition === 'delete') ws.deleted = true;
    if (build.transition !== 'start') return;
    const connectAt = at + this.timings.agentConnectMs;
    build.agent = {
      id: randomUUID(),
      resourceId: randomUUID(),
      createdAt: at,
      connectAt,
      readyAt: connectAt + this.timings.agentStartupMs,
      startError: this.failures.match('agent', where) !== undefined,
    };
  }

  private seed(now: number): void {
    for (const { org, name } of this.seeds) {
      const id = stableUuid(`template:${org}:${name}`);
      this.templates.set(id, {
        id,
        org,
        name,
        displayName: name
          .split('-')
          .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
          .join(' '),
        activeVersionId: stableUuid(`template-version:${org}:${name}:v3`),
        activeVersionName: 'v3',
        createdAt: now - 90 * 24 * 3600_000,
      });
    }
  }
}
