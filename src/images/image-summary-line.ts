import { code } from '../slack-text/code.js';
import { untrusted } from '../slack-text/untrusted.js';
import type { ImageStatus } from './image-status.js';

/** What is off with an image, without the reads that failed: empty when it is in sync (or could not be told). */
export function imageDrift(r: ImageStatus): string[] {
  return r.verdicts.filter((v) => v !== 'in sync' && v !== 'unknown');
}

/**
 * Why parts of an image could not be read, each as short class-based text ("ECR: rate limited — …"); a
 * cluster whose failure is said elsewhere (the status summary) is only named.
 */
export function imageReadFailures(r: ImageStatus, clustersDown: readonly string[] = []): string[] {
  const out = [
    ...(r.sourceError ? [`source: ${r.sourceError}`] : []),
    ...(r.mirrorError ? [`ECR: ${r.mirrorError}`] : []),
    ...r.deployments.flatMap((d) =>
      !d.error
        ? []
        : clustersDown.includes(d.cluster)
          ? [`${d.cluster} not read`]
          : [`${d.cluster}: ${d.error}`],
    ),
  ];
  return [...new Set(out)];
}

/**
 * One line per image for `/ops status`: in sync, or the drift verdicts and what to do, or "could not tell"
 * with each failed read's class (the raw errors are in the logs).
 */
export function imageSummaryLine(r: ImageStatus, clustersDown: readonly string[] = []): string {
  const drift = imageDrift(r);
  const failures = imageReadFailures(r, clustersDown);
  const icon = drift.length ? ':warning:' : failures.length ? ':white_circle:' : ':large_green_circle:';
  const templates = r.image.templates.length
    ? ` (workspaces of ${r.image.templates.map(code).join(', ')})`
    : '';
  const verdict = drift.length ? drift.join(', ') : failures.length ? 'could not tell' : 'in sync';
  const why = failures.length ? ` (${failures.map(untrusted).join('; ')})` : '';
  return `${icon} ${code(r.image.id)}${templates}: ${verdict}${why}${hint(r)}`;
}

function hint(r: ImageStatus): string {
  const lagging = r.verdicts.includes('mirror stale') || r.verdicts.includes('mirror missing');
  // ECR current, Coder pods on an older build: the restart-only plan rolls just those.
  if (
    !lagging &&
    r.mirror &&
    !r.mirrorError &&
    r.deployments.some((d) => d.state === 'behind' && d.restartable)
  )
    return ` — ${code(`/images sync ${r.image.id} --restart`)}`;
  if (!lagging) return '';
  if (r.cache) return ` — ECR pull-through cache of ${code(r.cache.upstream)}: a pull refreshes it`;
  return ` — ${code(`/images sync ${r.image.id}`)}`;
}
