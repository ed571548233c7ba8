import { z } from 'zod';
import type { JobDeps } from '../jobs/job-deps.js';
import type { Logger } from '../queue/logger.js';
import { renderPreview } from './render-workshop.js';
import type { WorkshopStore } from './workshop-store.js';

export const PreviewFacts = z.object({
  capacity: z.array(z.string()).default([]),
  rotation: z.array(z.string()).default([]),
  credentials: z.array(z.string()).default([]),
  notes: z.array(z.string()).default([]),
});

/** Re-renders the prep message so its timeline shows what ran; best effort (the thread has the details). */
export async function refreshPreview(
  deps: Pick<JobDeps, 'chat'>,
  store: WorkshopStore,
  id: string,
  log: Logger,
): Promise<void> {
  try {
    const w = await store.get(id);
    if (!w?.threadTs) return;
    const facts = PreviewFacts.parse((await store.preview(id)) ?? {});
    await deps.chat.update({ channel: w.channel, ts: w.threadTs }, renderPreview(w, facts));
  } catch (err) {
    log.warn({ err, workshop: id }, 'workshop preview refresh failed');
  }
}
