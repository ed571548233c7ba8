export const WORKSPACE_FAIL_STEPS = ['create', 'build', 'agent', 'command', 'delete'] as const;
export type WorkspaceFailStep = (typeof WORKSPACE_FAIL_STEPS)[number];

/** Which requests an injected failure applies to: those a probe serves, or one workspace by name. */
export type WorkspaceFailTarget = string | { probe: string } | { workspace: string };

/** What Coder would say when nothing more specific was injected. */
const DEFAULT_MESSAGES: Record<WorkspaceFailStep, string> = {
  create: 'insert workspace: context deadline exceeded',
  build: 'terraform apply: exit status 1',
  agent: 'agent startup script exited with an error',
  command: 'agent not reachable',
  delete: 'terraform destroy: exit status 1',
};

function keyOf(target: WorkspaceFailTarget): string {
  if (typeof target === 'string') return `probe:${target}`;
  return 'probe' in target ? `probe:${target.probe}` : `workspace:${target.workspace}`;
}

/** Failures injected through the control API; they hold until cleared or reset. */
export class WorkspaceFailures {
  private readonly byTarget = new Map<string, Map<WorkspaceFailStep, string>>();

  set(target: WorkspaceFailTarget, step: WorkspaceFailStep | null, message?: string): void {
    const key = keyOf(target);
    if (step === null) {
      this.byTarget.delete(key);
      return;
    }
    const steps = this.byTarget.get(key) ?? new Map<WorkspaceFailStep, string>();
    steps.set(step, message || DEFAULT_MESSAGES[step]);
    this.byTarget.set(key, steps);
  }

  /** The message of a failure matching the probe that serves the step or the workspace's name. */
  match(step: WorkspaceFailStep, where: { probe: string; workspace?: string }): string | undefined {
    const byProbe = this.byTarget.get(`probe:${where.probe}`)?.get(step);
    if (byProbe !== undefined) return byProbe;
    return where.workspace === undefined
      ? undefined
      : this.byTarget.get(`workspace:${where.workspace}`)?.get(step);
  }

  clear(): void {
    this.byTarget.clear();
  }
}
