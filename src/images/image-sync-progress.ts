import { combineProgress, type Progress } from '../plans/change-kind.js';
import type { ImageSyncLive } from './image-sync-change.js';

type Position = 'before' | 'after' | 'conflict';

/**
 * Where an image sync stands between its plan's before and after: the mirror's tag, then (with `--restart`)
 * each restart target. A copied tag whose pods still run another build is the restart left to do (partial),
 * not a conflict; a moved source tag or a third mirror digest is one.
 */
export function imageSyncProgress(
  live: ImageSyncLive,
  before: ImageSyncLive,
  after: ImageSyncLive,
): Progress {
  if (live.source !== before.source) return 'conflict';
  const copies = before.mirror !== after.mirror;
  const mirror: Position =
    live.mirror === after.mirror ? 'after' : live.mirror === before.mirror ? 'before' : 'conflict';
  // Until the copy, what the pods run is not this plan's business: it restarts every target once ECR has it.
  if (mirror !== 'after') return mirror;
  // Plans stored before the targets were recorded (or without --restart) are judged by the tag alone.
  if (!before.behind || !live.behind) return 'after';
  const targets = targetPositions(live.behind, before.behind, copies);
  return combineProgress([...(copies ? ['after' as const] : []), ...targets]);
}

/**
 * Each target that was or is off the build: back on it = after, still off = before. One that left the
 * build since the plan is the restart still to do after a copy; without a copy it is a change nobody
 * approved restarting (the plan named the targets it restarts), so a conflict.
 */
function targetPositions(live: string[], before: string[], copies: boolean): Position[] {
  const off = new Set(live);
  const positions: Position[] = before.map((t) => (off.has(t) ? 'before' : 'after'));
  for (const t of live) if (!before.includes(t)) positions.push(copies ? 'before' : 'conflict');
  return positions;
}
