import { z } from 'zod';
import { code } from '../slack-text/code.js';
import { countArg, flagsOf, noArgs } from './arg-schemas.js';
import type { CommandSpec } from './command-spec.js';

export const OpsStatusArgs = z
  .object({
    positionals: z.array(z.string()).max(0, 'takes no arguments; use --env to pick an environment'),
    flags: flagsOf({ env: z.string().min(1).optional() }),
  })
  .transform((t) => ({ env: t.flags.env }));
export type OpsStatusArgs = z.output<typeof OpsStatusArgs>;

/**
 * `--user` takes a Slack user as Slack escapes a mention (`<@U…|name>`, `<@U…>`) or a member ID (`U…`).
 * A bare `@name` is refused with how to give the ID: opsbot's commands receive mentions unescaped.
 */
const AuditUser = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const id = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(text)?.[1] ?? /^([UW][A-Z0-9]{2,})$/.exec(text)?.[1];
    if (id) return id;
    ctx.addIssue({
      code: 'custom',
      message: `--user takes a Slack member ID (U…; in Slack: the person's profile → ⋯ → Copy member ID), not ${code(text)}`,
    });
    return z.NEVER;
  });

export const OpsAuditArgs = z
  .object({
    positionals: z.tuple([countArg('n', 1, 50)]).or(z.tuple([])),
    flags: flagsOf({
      changes: z.literal(true).optional(),
      denied: z.literal(true).optional(),
      user: AuditUser.optional(),
    }),
  })
  .transform((t) => ({
    limit: t.positionals[0] ?? 10,
    ...(t.flags.changes ? { changes: true } : {}),
    ...(t.flags.denied ? { denied: true } : {}),
    ...(t.flags.user ? { user: t.flags.user } : {}),
  }));

export const OpsJobArgs = z
  .object({ positionals: z.tuple([z.string().regex(/^[\w.-]{1,100}$/, 'not a job id')]), flags: flagsOf({}) })
  .transform((t) => ({ jobId: t.positionals[0] }));

export const OpsPlanArgs = z
  .object({
    positionals: z.tuple([
      z.string().regex(/^p-[0-9a-f]{1,32}$/, 'not a plan id (they look like p-1a2b3c4d5e6f)'),
    ]),
    flags: flagsOf({}),
  })
  .transform((t) => ({ planId: t.positionals[0] }));

export const OpsNoticeArgs = z
  .object({ positionals: z.array(z.string()).min(1, 'give the notice text, or `clear`'), flags: flagsOf({}) })
  .transform((t) => {
    const text = t.positionals.join(' ').trim();
    return { value: text.toLowerCase() === 'clear' ? null : text };
  })
  .pipe(z.object({ value: z.string().max(200, 'the notice is limited to 200 characters').nullable() }));

export const opsCommand: CommandSpec = {
  command: '/ops',
  description: 'opsbot itself: environment status, audit log, jobs, help',
  usageHint: 'status | alerts | audit [n] | jobs | job <id> | plan <id> | notice <text>|clear | help',
  subcommands: [
    {
      name: 'status',
      summary:
        'Deployments (desired/ready vs inventory), key rotator, images (source, ECR mirror, clusters), DNS records vs inventory',
      usage: '[--env <name>]',
      examples: ['/ops status'],
      minRole: 'viewer',
      mutates: false,
      valueFlags: ['env'],
      args: OpsStatusArgs,
      job: 'ops.status',
      refuse: (args, { environments }) => {
        const { env } = args as OpsStatusArgs;
        return env === undefined || environments.has(env)
          ? undefined
          : `unknown environment ${code(env)} (known: ${[...environments.keys()].join(', ')})`;
      },
    },
    {
      name: 'alerts',
      summary: 'Scheduled alerts: active, acknowledged, snoozed and resolved in the last 24 h',
      usage: '[--env <name>]',
      examples: ['/ops alerts'],
      minRole: 'viewer',
      mutates: false,
      valueFlags: ['env'],
      args: OpsStatusArgs,
      job: 'alerts.list',
      refuse: (args, { environments }) => {
        const { env } = args as OpsStatusArgs;
        return env === undefined || environments.has(env)
          ? undefined
          : `unknown environment ${code(env)} (known: ${[...environments.keys()].join(', ')})`;
      },
    },
    {
      name: 'audit',
      summary:
        'The latest audit entries (default 10, at most 50): only changes (plans and their decisions), only refusals, or one person’s',
      usage: '[n] [--changes] [--denied] [--user <@U…|member ID>]',
      examples: ['/ops audit 20', '/ops audit --changes', '/ops audit --denied --user U0123ABCD'],
      minRole: 'viewer',
      mutates: false,
      valueFlags: ['user'],
      args: OpsAuditArgs,
      job: 'ops.audit',
    },
    {
      name: 'jobs',
      summary: 'Recent and running jobs with their status',
      usage: '',
      minRole: 'viewer',
      mutates: false,
      args: noArgs,
      job: 'ops.jobs',
    },
    {
      name: 'job',
      summary: 'One job in detail',
      usage: '<id>',
      examples: ['/ops job cmd-3f2a9c'],
      minRole: 'viewer',
      mutates: false,
      args: OpsJobArgs,
      job: 'ops.job',
    },
    {
      name: 'plan',
      summary: 'One plan: what, who asked and approved, its state and history',
      usage: '<id>',
      examples: ['/ops plan p-1a2b3c4d5e6f'],
      minRole: 'viewer',
      mutates: false,
      args: OpsPlanArgs,
      job: 'ops.plan',
    },
    {
      name: 'notice',
      summary: 'Set or clear the ops notice shown in /ops status (e.g. a change freeze)',
      usage: '<text> | clear',
      examples: ['/ops notice "Change freeze: workshop until 18:00 UTC"', '/ops notice clear'],
      minRole: 'operator',
      mutates: true,
      args: OpsNoticeArgs,
      job: 'plan.request',
      toChange: (args) => ({
        kind: 'flag.set',
        change: { name: 'notice', value: (args as { value: string | null }).value },
      }),
    },
  ],
};
