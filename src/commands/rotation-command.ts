import { z } from 'zod';
import { UserError } from '../errors/user-error.js';
import { flagsOf, noArgs } from './arg-schemas.js';
import type { CommandSpec } from './command-spec.js';
import { parseDuration } from './parse-duration.js';

const reason = z.string().min(1).max(200, 'the reason is limited to 200 characters').optional();
const until = z
  .string()
  .refine(
    (t) =>
      /^([01]?\d|2[0-3]):[0-5]\d$/.test(t) || (/^\d{4}-\d{2}-\d{2}T/.test(t) && !Number.isNaN(Date.parse(t))),
    'give a time as HH:MM (UTC, 00:00–23:59) or ISO 8601 such as 2026-12-03T16:00Z',
  )
  .optional();

export const RotationPauseArgs = z
  .object({
    positionals: z.array(z.string()).max(0, 'takes only flags: --for <duration> or --until <time>, --reason'),
    flags: flagsOf({
      for: z
        .string()
        .refine((t) => parseDuration(t) !== undefined, 'not a duration (try 90m, 3h)')
        .optional(),
      until,
      reason,
    }),
  })
  .refine((t) => !(t.flags.for && t.flags.until), 'give --for or --until, not both')
  .refine((t) => t.flags.for || t.flags.until, 'say how long: --for <duration> or --until <time>')
  .transform((t) => ({ for: t.flags.for, until: t.flags.until, reason: t.flags.reason }));
export type RotationPauseArgs = z.output<typeof RotationPauseArgs>;

export const RotationResumeArgs = z
  .object({ positionals: z.array(z.string()).max(0, 'takes no arguments'), flags: flagsOf({ reason }) })
  .transform((t) => ({ reason: t.flags.reason }));

/** `--until 18:00` is the next 18:00 UTC after `now`; ISO times are taken as given. */
export function untilToMs(text: string, now: number): number {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!hm) return Date.parse(text);
  const day = new Date(now);
  let at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), Number(hm[1]), Number(hm[2]));
  if (at <= now) at += 86_400_000;
  return at;
}

export const rotationCommand: CommandSpec = {
  command: '/rotation',
  description: 'Pause or resume LiteLLM key rotation',
  usageHint: 'status | pause --for 3h [--reason "…"] | resume',
  subcommands: [
    {
      name: 'status',
      summary: 'Rotator running or paused, last rotation, next expected window, scheduled resume',
      usage: '',
      minRole: 'viewer',
      mutates: false,
      args: noArgs,
      job: 'rotation.status',
    },
    {
      name: 'pause',
      summary: 'Plan a pause of key rotation (rotator to 0); it resumes by itself at the end',
      usage: '--for <duration> | --until <HH:MM|ISO time> [--reason "…"]',
      examples: ['/rotation pause --for 3h --reason "workshop"', '/rotation pause --until 18:30'],
      minRole: 'operator',
      mutates: true,
      valueFlags: ['for', 'until', 'reason'],
      args: RotationPauseArgs,
      job: 'plan.request',
      toChange: (args, request) => {
        const a = args as RotationPauseArgs;
        const at = (request as { at?: number }).at ?? Date.now();
        if (a.for) {
          const forMs = parseDuration(a.for)!;
          return {
            kind: 'rotation.pause',
            change: {
              environment: request.env,
              paused: true,
              forMs,
              ...(a.reason ? { reason: a.reason } : {}),
            },
            revertAfterMs: forMs,
          };
        }
        // An absolute end stays absolute: time spent waiting for approval does not move it.
        const until = untilToMs(a.until!, at);
        if (!(until > at + 60_000))
          throw new UserError(
            `--until ${a.until} is in the past (or less than a minute away); nothing was planned.`,
          );
        return {
          kind: 'rotation.pause',
          change: {
            environment: request.env,
            paused: true,
            forMs: until - at,
            until,
            ...(a.reason ? { reason: a.reason } : {}),
          },
          revertUntil: until,
        };
      },
    },
    {
      name: 'resume',
      summary: "Resume key rotation now (an opsbot pause ends at once; otherwise it's planned)",
      usage: '[--reason "…"]',
      minRole: 'operator',
      mutates: false,
      valueFlags: ['reason'],
      args: RotationResumeArgs,
      job: 'rotation.resume',
    },
  ],
};
