import { z } from 'zod';
import { CHANGE_KINDS } from '../changes/change-kinds.js';
import { countArg, flagsOf } from './arg-schemas.js';
import { COMMAND_JOBS } from './command-jobs.js';
import type { CommandSpec } from './command-spec.js';
import { parseDuration } from './parse-duration.js';

const MAX_FOR_MS = 7 * 86_400_000;

const target = z
  .string()
  .regex(/^[a-z0-9-]+(:[a-z0-9-]+)?$/, 'not a target name (e.g. `provisioners`, `proxy:us-west-2`)');
const reason = z.string().min(1).max(200, 'the reason is limited to 200 characters').optional();
const forDuration = z
  .string()
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (try 90m, 3h)` });
      return z.NEVER;
    }
    return ms;
  })
  .pipe(z.number().max(MAX_FOR_MS, 'at most 7d'))
  .optional();

export const ScaleSetArgs = z
  .object({
    positionals: z.tuple([target, countArg('replicas', 0, 1000)]),
    flags: flagsOf({ for: forDuration, reason }),
  })
  .transform((t) => ({
    target: t.positionals[0],
    replicas: t.positionals[1],
    forMs: t.flags.for,
    reason: t.flags.reason,
  }));
export type ScaleSetArgs = z.output<typeof ScaleSetArgs>;

export const ScaleResetArgs = z
  .object({ positionals: z.tuple([target.or(z.literal('all'))]).or(z.tuple([])), flags: flagsOf({ reason }) })
  .transform((t) => ({ target: t.positionals[0] ?? 'all', reason: t.flags.reason }));
export type ScaleResetArgs = z.output<typeof ScaleResetArgs>;

export const ScaleRecommendArgs = z
  .object({ positionals: z.tuple([countArg('users', 1, 10_000)]), flags: flagsOf({}) })
  .transform((t) => ({ users: t.positionals[0] }));
export type ScaleRecommendArgs = z.output<typeof ScaleRecommendArgs>;

export const scaleCommand: CommandSpec = {
  command: '/scale',
  description: 'Scale provisioners, LiteLLM, Coder and proxies within inventory bounds',
  usageHint: '<target> <replicas> [--for 3h] | reset [target|all] | recommend <users>',
  subcommands: [
    {
      name: '<target>',
      fallback: true,
      summary: 'Plan a replica count (bounds from the inventory); --for reverts it after that long',
      usage: '<replicas> [--for <duration>] [--reason "…"]',
      examples: ['/scale provisioners 10 --for 4h --reason "workshop"', '/scale litellm 6'],
      minRole: 'operator',
      mutates: true,
      valueFlags: ['for', 'reason'],
      args: ScaleSetArgs,
      action: 'scale.apply',
      job: COMMAND_JOBS.planRequest,
      toChange: (args, request) => {
        const a = args as ScaleSetArgs;
        return {
          kind: CHANGE_KINDS.scale,
          change: {
            environment: request.env,
            items: [{ target: a.target, replicas: a.replicas }],
            ...(a.reason ? { reason: a.reason } : {}),
          },
          ...(a.forMs ? { revertAfterMs: a.forMs } : {}),
        };
      },
    },
    {
      name: 'reset',
      summary: 'Plan a target (or every deployment) back to the inventory defaults',
      usage: '[target|all] [--reason "…"]',
      examples: ['/scale reset provisioners', '/scale reset all'],
      minRole: 'operator',
      mutates: true,
      valueFlags: ['reason'],
      args: ScaleResetArgs,
      action: 'scale.apply',
      job: COMMAND_JOBS.planRequest,
      toChange: (args, request) => {
        const a = args as ScaleResetArgs;
        return {
          kind: CHANGE_KINDS.scale,
          change: {
            environment: request.env,
            items: [{ target: a.target === 'all' ? '*' : a.target, replicas: 'default' }],
            ...(a.reason ? { reason: a.reason } : {}),
          },
        };
      },
    },
    {
      name: 'recommend',
      summary: 'Replicas per target for that many concurrent users (capacity table), and the headroom',
      usage: '<users>',
      examples: ['/scale recommend 25'],
      minRole: 'viewer',
      mutates: false,
      args: ScaleRecommendArgs,
      job: COMMAND_JOBS.scaleRecommend,
    },
  ],
};
