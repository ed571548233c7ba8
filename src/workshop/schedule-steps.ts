import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../queue/create-queue.js';
import type { Workshop } from './workshop-record.js';
import { STEPS, type StepName } from './workshop-record.js';

export const WORKSHOP_STEP_JOB = 'workshop.step';
export const WORKSHOP_SAMPLE_JOB = 'workshop.sample';
/** How often the summary's figures are sampled while the workshop holds capacity. */
export const SAMPLE_EVERY_MS = 5 * 60_000;

/** The job id carries the due time: moving a step (`/workshop end`) queues a new job, the old one skips. */
export const stepJobId = (id: string, step: StepName, at: number) => `workshop-${id}-${step}-${at}`;
export const sampleJobId = (id: string, at: number) => `workshop-${id}-sample-${at}`;

/** Queues every scheduled step as a durable delayed job (BullMQ keeps them across restarts). */
export async function scheduleSteps(deps: { queue: JobQueue; clock: Clock }, w: Workshop, only?: StepName[]) {
  const now = deps.clock.now();
  for (const step of only ?? STEPS) {
    const s = w.steps[step];
    if (s.status !== 'scheduled') continue;
    await deps.queue.enqueue(
      WORKSHOP_STEP_JOB,
      { workshopId: w.id, step, at: s.at, meta: { requester: w.requester, channel: w.channel } },
      { jobId: stepJobId(w.id, step, s.at), delayMs: Math.max(1, s.at - now) },
    );
  }
}

/** The first sample an hour before the start (or now), then one every SAMPLE_EVERY_MS until the wind-down. */
export async function scheduleSample(deps: { queue: JobQueue; clock: Clock }, w: Workshop, at: number) {
  if (at > w.steps['wind-down'].at) return;
  await deps.queue.enqueue(
    WORKSHOP_SAMPLE_JOB,
    { workshopId: w.id, at, meta: { requester: w.requester, channel: w.channel } },
    { jobId: sampleJobId(w.id, at), delayMs: Math.max(1, at - deps.clock.now()) },
  );
}
