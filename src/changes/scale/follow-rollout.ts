import { formatDuration } from '../../commands/parse-duration.js';
import type { VerifyResult } from '../../plans/change-kind.js';
import { abortable, throwIfAborted } from '../../ports/call-options.js';
import type { Chat, PostedMessage } from '../../ports/chat.js';
import type { Clock } from '../../ports/clock.js';
import type { Clusters, DeploymentState } from '../../ports/clusters.js';
import { createProgressReporter, type ProgressPacer } from '../../queue/create-progress-reporter.js';
import { untrusted } from '../../slack-text/untrusted.js';
import { diagnoseRollout } from './diagnose-rollout.js';
import type { ResolvedItem } from './resolve-targets.js';

export interface RolloutOptions {
  clusters: Clusters;
  chat: Chat;
  clock: Clock;
  pacer: ProgressPacer;
  /** Measured on the injected clock, so tests and demos can move past it. */
  deadlineMs: number;
  /** Real time between reads of the deployments. */
  pollMs: number;
  /**
   * The run's signal: every read takes it, and once it is aborted (the run lost its lock) the follow stops
   * at once and rejects with the abort, posting nothing more (the run that replaced it reports).
   */
  signal?: AbortSignal;
  /**
   * When a target counts as rolled out (default: its requested replicas ready and available). A restart
   * needs more: the controller saw the new template and no pod of an older ReplicaSet is left.
   */
  done?: (state: DeploymentState, item: ResolvedItem) => boolean;
  /** Pod reasons that end the wait at once instead of at the deadline (ImagePullBackOff will not heal by itself). */
  failFast?: string[];
}

interface Row {
  item: ResolvedItem;
  state?: DeploymentState;
  error?: string;
}

/**
 * Edits one progress message in the plan's thread until every target has its requested replicas
 * ready, or the deadline passes; then explains from pods and events why the rest are not ready.
 */
export async function followRollout(
  opts: RolloutOptions,
  items: ResolvedItem[],
  where: { channel: string; threadTs?: string },
): Promise<VerifyResult> {
  const started = opts.clock.now();
  const { signal } = opts;
  const rows = await readRows(opts.clusters, items, signal);
  const message: PostedMessage = await opts.chat.post({
    channel: where.channel,
    text: progressText(rows, 0),
    ...(where.threadTs ? { threadTs: where.threadTs } : {}),
  });
  const progress = createProgressReporter(opts.chat, message, { clock: opts.clock, pacer: opts.pacer });
  let current = rows;
  const done = (r: Row) => (opts.done && r.state ? opts.done(r.state, r.item) : readyAsAsked(r));
  for (;;) {
    const elapsed = opts.clock.now() - started;
    const moved = current.find((r) => r.state && r.state.desired !== r.item.replicas);
    if (moved?.state) {
      const text = `:warning: \`${moved.item.deployment.target}\` now wants ${moved.state.desired} replicas, not ${moved.item.replicas}: something else (an HPA, Argo CD, a person) changed it during the rollout.`;
      await progress.finish(text);
      return { ok: false, detail: text };
    }
    if (current.every(done)) {
      const text = `:white_check_mark: Rollout complete in ${formatDuration(elapsed)}: ${current.map(rowText).join(', ')}`;
      await progress.finish(text);
      return { ok: true, detail: current.map(rowText).join(', ') };
    }
    const failing = opts.failFast
      ? await failingPods(
          opts.clusters,
          current.filter((r) => !done(r)),
          opts.failFast,
          signal,
        )
      : false;
    throwIfAborted(signal);
    if (elapsed >= opts.deadlineMs || failing) {
      const why = await explain(
        opts.clusters,
        current.filter((r) => !done(r)),
        signal,
      );
      throwIfAborted(signal);
      // Stopped early on a failing pod: say so, rather than that time ran out.
      const head = failing ? 'Rollout stopped after' : 'Rollout not finished after';
      const text = `:x: ${head} ${formatDuration(elapsed)}: ${current.map(rowText).join(', ')}\n${why.join('\n')}`;
      await progress.finish(text);
      const lead = failing ? 'stopped after' : 'not ready after';
      return { ok: false, detail: `${lead} ${formatDuration(elapsed)}: ${why.join(' ')}` };
    }
    progress.update(progressText(current, elapsed));
    await abortable(new Promise((resolve) => setTimeout(resolve, opts.pollMs)), signal);
    current = await readRows(opts.clusters, items, signal);
  }
}

/** Each target's deployment; a failed read is shown on its row, an aborted run stops the follow. */
async function readRows(
  clusters: Clusters,
  items: ResolvedItem[],
  signal: AbortSignal | undefined,
): Promise<Row[]> {
  const rows = await Promise.all(
    items.map(async (item): Promise<Row> => {
      const d = item.deployment;
      try {
        const state = await clusters.client(d.cluster).getDeployment(d.namespace, d.name, { signal });
        return state ? { item, state } : { item, error: 'deployment not found' };
      } catch (err) {
        return { item, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  throwIfAborted(signal);
  return rows;
}

function readyAsAsked(r: Row): boolean {
  return !!r.state && r.state.ready === r.item.replicas && r.state.available === r.item.replicas;
}

function rowText(r: Row): string {
  const name = `\`${r.item.deployment.target}\``;
  if (!r.state) return `${name} ${untrusted(r.error ?? 'unknown')}`;
  return `${name} ${r.state.ready}/${r.item.replicas} ready`;
}

function progressText(rows: Row[], elapsed: number): string {
  return `:hourglass_flowing_sand: Rolling out (${formatDuration(elapsed)}): ${rows.map(rowText).join(', ')}`;
}

/** Whether a pod of a target not yet rolled out is in one of `reasons` (a read failure is no verdict). */
async function failingPods(
  clusters: Clusters,
  rows: Row[],
  reasons: string[],
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const found = await Promise.all(
    rows.map(async (r) => {
      if (!r.state) return false;
      const d = r.item.deployment;
      try {
        const pods = await clusters.client(d.cluster).listPods(d.namespace, r.state.selector, { signal });
        return pods.some((p) => p.reasons.some((x) => reasons.includes(x)));
      } catch {
        return false;
      }
    }),
  );
  return found.includes(true);
}

async function explain(clusters: Clusters, rows: Row[], signal: AbortSignal | undefined): Promise<string[]> {
  const lines = await Promise.all(
    rows.map(async (r) => {
      const d = r.item.deployment;
      if (!r.state) return `• \`${d.target}\`: ${untrusted(r.error ?? 'unknown')}`;
      try {
        const causes = await diagnoseRollout(clusters.client(d.cluster), d, r.state.selector, { signal });
        const body = causes.length ? causes.join('; ') : 'pods are starting; no failure reported yet';
        return `• \`${d.target}\`: ${body}`;
      } catch (err) {
        return `• \`${d.target}\`: could not read its pods (${untrusted(err instanceof Error ? err.message : String(err))})`;
      }
    }),
  );
  return lines;
}
