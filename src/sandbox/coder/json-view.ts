import { versionForDigest } from './coder-http.js';
import { type PendingQueue, pendingQueue } from './provisioner-queue.js';
import type { ProbeContext } from './types.js';
import type { JsonView } from './workspace-json.js';

/** The converters' view of the sandbox at `now`; queues are computed once per organization. */
export function jsonView(ctx: ProbeContext, now: number): JsonView {
  const facts = ctx.opts.facts();
  const queues = new Map<string, PendingQueue>();
  return {
    now,
    queue(org) {
      const cached = queues.get(org) ?? pendingQueue(org, ctx, now);
      queues.set(org, cached);
      return cached;
    },
    readyDaemons: (org) => facts.provisioners.find((p) => p.org === org)?.ready ?? 0,
    version: versionForDigest(ctx.opts.coderVersion, facts.controlPlaneImageDigest),
    template: (id) => ctx.state.workspaces.template(id),
  };
}
