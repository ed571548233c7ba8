import type { CopyProgress } from '../ports/registry.js';

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** "Copying …: 3/7 blobs (2 already in ECR), 41.0 MB sent, 12.3 MB/s" — one line, edited as the copy runs. */
export function copyProgressText(what: string, p: CopyProgress, elapsedMs: number, done = false): string {
  const rate = elapsedMs > 0 ? `, ${mb((p.bytesSent * 1000) / elapsedMs)}/s` : '';
  const mounted = p.blobsMounted ? `, ${p.blobsMounted} mounted from another repository` : '';
  const skipped = p.blobsSkipped ? ` (${p.blobsSkipped} already in ECR${mounted})` : '';
  const resumed = p.resumed ? `, resumed ${p.resumed}× mid-blob` : '';
  const head = done ? `:white_check_mark: Copied ${what}` : `:arrows_counterclockwise: Copying ${what}`;
  // Before the source manifest is read there is nothing to count yet.
  if (!done && p.blobsTotal === 0) return `${head}: reading the source manifest…`;
  return `${head}: ${p.blobsDone}/${p.blobsTotal} blobs${skipped}, ${mb(p.bytesSent)} sent in ${(elapsedMs / 1000).toFixed(1)} s${rate}${resumed}`;
}
