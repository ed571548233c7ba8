import { randomBytes } from 'node:crypto';
import { TransientError } from '../../errors/transient-error.js';
import type { SmokeResult, SmokeStep, SmokeTarget } from '../../ports/coder-workspaces.js';
import { awaitAgent, awaitBuild } from './await-build.js';
import type { CoderClient } from './coder-client.js';
import { coderFailureText } from './coder-failure-text.js';
import { type CoderResponse, Template, Workspace, WorkspacesResponse } from './coder-schemas.js';
import { Deadline, type PollPacing } from './deadline.js';
import { deleteWorkspace } from './delete-workspace.js';
import { describeFailure } from './describe-failure.js';
import { type CoderEndpoints, probeBase, resolveCoderApi } from './resolve-coder-api.js';
import { runPtyCommand } from './run-pty-command.js';

export interface SmokeSettings {
  endpoints: CoderEndpoints;
  pacing: PollPacing;
  /** Budget of the deletion, on top of the test's own (it runs after a timeout or abort too). */
  cleanupTimeoutMs: number;
  /** Longest wait for the terminal. */
  commandTimeoutMs: number;
}

type StepName = SmokeStep['name'];

/** Runs the steps in order; each returns its failure detail, or undefined when it passed. */
class StepRecorder {
  readonly steps: SmokeStep[] = [];

  async run(name: StepName, fn: () => Promise<string | undefined>): Promise<boolean> {
    const started = performance.now();
    let detail: string | undefined;
    try {
      detail = await fn();
    } catch (err) {
      detail = describeFailure(err);
    }
    const ms = Math.round(performance.now() - started);
    this.steps.push({ name, ok: detail === undefined, ms, ...(detail === undefined ? {} : { detail }) });
    return detail === undefined;
  }
}

/** A refused request in Coder's words; a refused token says which setting to fix. */
function refusal(res: { status: number; error: CoderResponse }, context: string): string {
  const words = coderFailureText(res.error);
  if (res.status === 401 || res.status === 403)
    return `Coder refused opsbot's session token (${res.status}: ${words}); renew CODER_SESSION_TOKEN`;
  return `${context}${words}`;
}

/** After a create that may have reached coderd (a timeout), find the workspace so it can be deleted. */
async function findByName(api: CoderClient, name: string): Promise<{ id: string; name: string } | undefined> {
  const q = encodeURIComponent(`owner:me name:${name}`);
  const res = await api.get(`/api/v2/workspaces?q=${q}`, WorkspacesResponse).catch(() => undefined);
  if (!res?.ok) return undefined;
  return res.data.workspaces
    .map((w) => Workspace.safeParse(w))
    .flatMap((p) => (p.success && p.data.name === name ? [p.data] : []))[0];
}

/**
 * The smoke test of one region: template, create, build, agent, command (through the region's own
 * URL, proxy or control plane), then delete whatever was created — after a failure, a timeout or an
 * abort too. Never throws for a failing Coder.
 */
export async function runSmokeTest(
  target: SmokeTarget,
  opts: { name: string; timeoutMs: number; signal?: AbortSignal },
  settings: SmokeSettings,
): Promise<SmokeResult> {
  const started = performance.now();
  const deadline = new Deadline(opts.timeoutMs, settings.pacing, opts.signal);
  const rec = new StepRecorder();
  let api: CoderClient | undefined;
  let templateId = '';
  let created: { id: string; name: string } | undefined;
  let agentId = '';

  const template = async () => {
    const resolved = await resolveCoderApi(target.probe, settings.endpoints, opts.signal);
    if (!resolved.ok)
      return `${target.probe.id} answered ${resolved.status}: ${coderFailureText(resolved.error)}`;
    api = resolved.data;
    const path = `/api/v2/organizations/${encodeURIComponent(target.org)}/templates/${encodeURIComponent(target.template)}`;
    const res = await api.get(path, Template, opts.signal);
    if (!res.ok)
      return refusal(
        res,
        `template ${JSON.stringify(target.template)} in organization ${JSON.stringify(target.org)}: `,
      );
    templateId = res.data.id;
    return undefined;
  };
  const create = async () => {
    const path = `/api/v2/organizations/${encodeURIComponent(target.org)}/members/me/workspaces`;
    try {
      const res = await (api as CoderClient).send(
        'POST',
        path,
        { template_id: templateId, name: opts.name },
        Workspace,
        opts.signal,
      );
      if (!res.ok) return refusal(res, '');
      created = { id: res.data.id, name: res.data.name };
      return undefined;
    } catch (err) {
      // The request may have been applied before the answer was lost.
      if (err instanceof TransientError) created = await findByName(api as CoderClient, opts.name);
      throw err;
    }
  };
  const build = async () => {
    const polled = await awaitBuild(api as CoderClient, (created as { id: string }).id, deadline);
    return polled.ok ? undefined : polled.detail;
  };
  const agent = async () => {
    const polled = await awaitAgent(api as CoderClient, (created as { id: string }).id, deadline);
    if (!polled.ok) return polled.detail;
    agentId = polled.ws.latest_build.resources.flatMap((r) => r.agents ?? [])[0]?.id ?? '';
    return undefined;
  };
  const command = async () => {
    const marker = `opsbot-smoke-${randomBytes(4).toString('hex')}`;
    const outcome = await runPtyCommand({
      base: probeBase(target.probe, settings.endpoints),
      agentId,
      token: settings.endpoints.token,
      command: `echo ${marker}`,
      expect: marker,
      timeoutMs: Math.max(1, Math.min(settings.commandTimeoutMs, deadline.remainingMs())),
      signal: opts.signal,
    });
    return outcome.ok ? undefined : outcome.detail;
  };

  const plan: [StepName, () => Promise<string | undefined>][] = [
    ['template', template],
    ['create', create],
    ['build', build],
    ['agent', agent],
    ['command', command],
  ];
  for (const [name, fn] of plan) if (!(await rec.run(name, fn))) break;
  if (created && api) {
    // Its own budget and no abort signal: a test that gave up still must not leave a workspace behind.
    const cleanup = new Deadline(settings.cleanupTimeoutMs, settings.pacing);
    const client = api;
    const ws = created;
    await rec.run('delete', () => deleteWorkspace(client, ws, cleanup));
  }
  const failed = rec.steps.find((s) => !s.ok);
  return {
    region: target.region,
    ok: failed === undefined,
    steps: rec.steps,
    ...(failed?.detail === undefined ? {} : { reason: failed.detail }),
    ms: Math.round(performance.now() - started),
  };
}
