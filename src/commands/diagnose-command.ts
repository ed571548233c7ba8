import { z } from 'zod';
import { SITUATIONS } from '../checks/check.js';
import { flagsOf } from './arg-schemas.js';
import { COMMAND_JOBS } from './command-jobs.js';
import type { CommandSpec } from './command-spec.js';

const AREAS = ['all', ...SITUATIONS] as const;

export const DiagnoseArgs = z
  .object({
    positionals: z
      .array(z.enum(AREAS, { error: `the area is one of ${AREAS.join(', ')}` }))
      .max(1, 'give one area at most'),
    flags: flagsOf({ env: z.string().min(1).max(100).optional() }),
  })
  .transform((t) => ({ area: t.positionals[0] ?? 'all', ...(t.flags.env ? { env: t.flags.env } : {}) }));
export type DiagnoseArgs = z.output<typeof DiagnoseArgs>;

export const diagnoseCommand: CommandSpec = {
  command: '/diagnose',
  description: 'Runbook diagnostics across clusters, DNS and health endpoints',
  usageHint: `[${AREAS.join('|')}] [--env <name>]`,
  bare: 'all',
  subcommands: [
    {
      name: '[area]',
      fallback: true,
      summary:
        'Runs the runbook checks of an area (or all) in parallel: what is wrong, the evidence, and a button for the fix',
      usage: `[--env <name>]  (area: ${AREAS.join(', ')})`,
      examples: ['/diagnose all', '/diagnose restarts', '/diagnose capacity --env ai.coder.com'],
      minRole: 'viewer',
      mutates: false,
      valueFlags: ['env'],
      args: DiagnoseArgs,
      job: COMMAND_JOBS.diagnose,
    },
  ],
};
