import type { Workshop as WorkshopConfig } from '../inventory/schema.js';
import type { StepName, StepState } from './workshop-record.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What each step does, for the preview and `/workshop status`. */
export const STEP_TITLES: Record<StepName, string> = {
  checklist: 'Checklist: /diagnose checks, expiries, images, DNS',
  'scale-up': 'Scaling plan posted for approval',
  'go-no-go': 'Rotation pause planned, smoke tests in every region, go/no-go',
  'wind-down': 'Scale back to inventory defaults, rotation resumes',
  summary: 'Summary with chart in this thread',
};

/**
 * When each step is due: checklist T-2d, scaling T-1d, go/no-go T-1h, wind-down end+30m, summary end+1h
 * (the last two from the inventory). A step whose time has already passed at prep runs now.
 */
export function timelineFor(
  start: number,
  end: number,
  now: number,
  config: Pick<WorkshopConfig, 'windDownAfterMinutes' | 'summaryAfterMinutes'>,
): Record<StepName, StepState> {
  const due = (at: number): StepState => ({ status: 'scheduled', at: Math.max(at, now), planIds: [] });
  return {
    checklist: due(start - 2 * DAY),
    'scale-up': due(start - DAY),
    'go-no-go': due(start - HOUR),
    'wind-down': due(end + config.windDownAfterMinutes * 60_000),
    summary: due(end + config.summaryAfterMinutes * 60_000),
  };
}

/** The window a workshop holds capacity: from its scale-up to its wind-down. */
export function capacityWindow(w: { steps: Record<StepName, StepState> }): { from: number; to: number } {
  return { from: w.steps['scale-up'].at, to: w.steps['wind-down'].at };
}
