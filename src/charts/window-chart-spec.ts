import { z } from 'zod';

/** An IANA zone name the runtime knows (`Intl` refuses the rest). */
const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'unknown time zone' },
);

const Point = z.object({ at: z.number().finite(), value: z.number().finite() });

const Series = z.object({
  name: z.string().min(1).max(80),
  // Bounded so one chart stays a fraction of a second of CPU (a point a minute for two weeks fits).
  points: z.array(Point).max(20_000),
});

const Panel = z.object({
  title: z.string().min(1).max(120),
  unit: z.string().max(40),
  series: z.array(Series).max(12),
});

/**
 * A chart of a time window: stacked panels sharing the x axis (`from`..`to`, epoch ms), each with
 * its own y axis and legend, the times shown as wall-clock time in `timeZone`.
 */
export const WindowChartSpec = z
  .object({
    title: z.string().min(1).max(160),
    from: z.number().finite(),
    to: z.number().finite(),
    timeZone: TimeZone,
    panels: z.array(Panel).min(1).max(6),
  })
  .refine((s) => s.to > s.from, { message: '`to` must be after `from`', path: ['to'] });
export type WindowChartSpec = z.infer<typeof WindowChartSpec>;
export type WindowChartPanel = z.infer<typeof Panel>;
