import { z } from 'zod';
import { parseStart } from '../workshop/parse-start.js';
import { countArg, flagsOf } from './arg-schemas.js';
import { COMMAND_JOBS } from './command-jobs.js';
import type { CommandSpec } from './command-spec.js';
import { parseDuration } from './parse-duration.js';

function readableStart(text: string): boolean {
  try {
    parseStart(text, 'UTC', 0);
    return true;
  } catch {
    return false;
  }
}

const envFlag = z.string().min(1).max(100).optional();
/** Shared with the `/workshop prep` form, so typed and filled-in requests obey the same rules. */
export const workshopName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, {
  error: (issue) => {
    // "ML intro" → try `ml-intro`: the name is typed again later (`/workshop cancel <name>`).
    const slug = slugOf(typeof issue.input === 'string' ? issue.input : '');
    return `a workshop name is lowercase letters, digits and dashes (up to 40)${slug ? `: try \`${slug}\`` : ''}`;
  },
});

function slugOf(text: string): string | undefined {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug && slug !== text ? slug : undefined;
}
export const workshopUsers = countArg('users', 1, 10_000);
export const workshopDuration = z.string().refine((t) => {
  const ms = parseDuration(t);
  return ms !== undefined && ms >= 15 * 60_000 && ms <= 12 * 3_600_000;
}, '--duration must be between 15m and 12h (e.g. 2h, 90m)');

export const WorkshopPrepArgs = z
  .object({
    positionals: z
      .array(z.string())
      .min(2, 'give the number of users and the start, e.g. `/workshop prep 30 tomorrow 16:00`')
      .max(
        3,
        'too many words: give <users> <start> (e.g. `2026-12-03T16:00Z` or `tomorrow 16:00`) and flags',
      ),
    flags: flagsOf({
      duration: workshopDuration.optional(),
      name: workshopName.optional(),
      env: envFlag,
    }),
  })
  .transform((t, ctx) => {
    const users = workshopUsers.safeParse(t.positionals[0]);
    if (!users.success) {
      ctx.addIssue({
        code: 'custom',
        message: users.error.issues[0]?.message ?? 'users must be a whole number',
      });
      return z.NEVER;
    }
    const start = t.positionals.slice(1).join(' ');
    // Only whether it can be read: the zone (the requester's, from Slack) is applied in the job.
    if (!readableStart(start)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${start}" is not a start time I can read: give ISO 8601 such as 2026-12-03T16:00Z, or a time in your Slack time zone such as \`tomorrow 16:00\`, \`friday 09:30\` or \`2026-12-03 16:00\``,
      });
      return z.NEVER;
    }
    return {
      users: users.data,
      start,
      durationMs: parseDuration(t.flags.duration ?? '2h')!,
      ...(t.flags.name ? { name: t.flags.name } : {}),
      ...(t.flags.env ? { env: t.flags.env } : {}),
    };
  });
export type WorkshopPrepArgs = z.output<typeof WorkshopPrepArgs>;

const oneName = (action: string) =>
  z
    .object({
      positionals: z.union([z.tuple([]), z.tuple([workshopName])]),
      flags: flagsOf({ env: envFlag }),
    })
    .transform((t) => ({
      action,
      ...(t.positionals[0] ? { name: t.positionals[0] } : {}),
      ...(t.flags.env ? { env: t.flags.env } : {}),
    }));

export const WorkshopStatusArgs = oneName('status');
export type WorkshopActionArgs = z.output<typeof WorkshopStatusArgs>;

export const workshopCommand: CommandSpec = {
  command: '/workshop',
  description: 'Prepare, run and wind down a workshop: scaling, rotation pause, smoke tests, summary',
  usageHint: 'prep <users> <start> [--duration 2h] [--name …] | status | list | cancel | end',
  bare: 'list',
  subcommands: [
    {
      name: 'prep',
      summary:
        'Preview the capacity, rotation and credentials for a workshop and schedule its timeline (checklist T-2d, scaling plan T-1d, go/no-go T-1h, wind-down, summary)',
      usage: '<users> <start> [--duration 2h] [--name <name>] [--env <name>]',
      examples: [
        '/workshop prep 30 tomorrow 16:00',
        '/workshop prep 25 2026-12-03T16:00Z --duration 3h --name december',
      ],
      minRole: 'operator',
      mutates: false,
      form: 'workshop.prep',
      valueFlags: ['duration', 'name', 'env'],
      args: WorkshopPrepArgs,
      action: 'workshop.prep',
      job: COMMAND_JOBS.workshopPrep,
    },
    {
      name: 'status',
      summary: 'The timeline of a workshop (the next one when no name is given): done, next and failed steps',
      usage: '[name] [--env <name>]',
      minRole: 'viewer',
      mutates: false,
      valueFlags: ['env'],
      args: WorkshopStatusArgs,
      action: 'workshop.status',
      job: COMMAND_JOBS.workshopAction,
    },
    {
      name: 'list',
      summary: 'Upcoming and recent workshops with their next step',
      usage: '[--env <name>]',
      minRole: 'viewer',
      mutates: false,
      valueFlags: ['env'],
      args: oneName('list'),
      action: 'workshop.list',
      job: COMMAND_JOBS.workshopAction,
    },
    {
      name: 'cancel',
      summary: 'Cancel a workshop: its scheduled steps are dropped and what it changed is restored',
      usage: '<name> [--env <name>]',
      minRole: 'operator',
      mutates: false,
      valueFlags: ['env'],
      args: oneName('cancel'),
      action: 'workshop.cancel',
      job: COMMAND_JOBS.workshopAction,
    },
    {
      name: 'end',
      summary: 'End a workshop now: run the wind-down (scale back, resume rotation) and then the summary',
      usage: '<name> [--env <name>]',
      minRole: 'operator',
      mutates: false,
      valueFlags: ['env'],
      args: oneName('end'),
      action: 'workshop.end',
      job: COMMAND_JOBS.workshopAction,
    },
  ],
};
