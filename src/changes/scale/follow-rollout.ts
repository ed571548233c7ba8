import { formatDuration } from '../../commands/parse-duration.js';
import type { VerifyResult } from '../../plans/change-kind.js';
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
  signal?: AbortSignal;
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
  const rows = await readRows(opts.clusters, items);
  const message: PostedMessage = await opts.chat.post({
    channel: where.channel,
    text: progressText(rows, 0),
    ...(where.threadTs ? { threadTs: where.threadTs } : {}),
  });
  const progress = createProgressReporter(opts.chat, message, { clock: opts.clock, pacer: opts.pacer });
  let current = rows;
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
    if (elapsed >= opts.deadlineMs || opts.signal?.aborted) {
      const why = await explain(
        opts.clusters,
        current.filter((r) => !done(r)),
      );
      const text = `:x: Rollout not finished after ${formatDuration(elapsed)}: ${current.map(rowText).join(', ')}\n${why.join('\n')}`;
      await progress.finish(text);
      return { ok: false, detail: `not ready after ${formatDuration(elapsed)}: ${why.join(' ')}` };
    }
    progress.update(progressText(current, elapsed));
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs));
    current = await readRows(opts.clusters, items);
  }
}

async function readRows(clusters: Clusters, items: ResolvedItem[]): Promise<Row[]> {
  return Promise.all(
    items.map(async (item): Promise<Row> => {
      const d = item.deployment;
      try {
        const state = await clusters.client(d.cluster).getDeployment(d.namespace, d.name);
        return state ? { item, state } : { item, error: 'deployment not found' };
      } catch (err) {
        return { item, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}

function done(r: Row): boolean {
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

async function explain(clusters: Clusters, rows: Row[]): Promise<string[]> {
  const lines = await Promise.all(
    rows.map(async (r) => {
      const d = r.item.deployment;
      if (!r.state) return `• \`${d.target}\`: ${untrusted(r.error ?? 'unknown')}`;
      try {
        const causes = await diagnoseRollout(clusters.client(d.cluster), d, r.state.selector);
        const body = causes.length ? causes.join('; ') : 'pods are starting; no failure reported yet';
        return `• \`${d.target}\`: ${body}`;
      } catch (err) {
        return `• \`${d.target}\`: could not read its pods (${untrusted(err instanceof Error ? err.message : String(err))})`;
      }
    }),
  );
  return lines;
}
