import { z } from 'zod';
import { CHANGE_KINDS } from '../changes/change-kinds.js';
import { flagsOf } from './arg-schemas.js';
import { COMMAND_JOBS } from './command-jobs.js';
import type { CommandSpec } from './command-spec.js';

const imageId = z.string().regex(/^[a-z0-9-]{1,100}$/, 'not an image id from the inventory (e.g. `coder`)');
const tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, 'not an image tag');

export const ImagesStatusArgs = z
  .object({
    positionals: z.array(z.string()).max(0, 'takes no arguments'),
    flags: flagsOf({ env: z.string().min(1).max(100).optional() }),
  })
  .transform((t) => (t.flags.env ? { env: t.flags.env } : {}));
export type ImagesStatusArgs = z.output<typeof ImagesStatusArgs>;

export const ImagesSyncArgs = z
  .object({
    positionals: z.union([z.tuple([]), z.tuple([imageId]), z.tuple([imageId, tag])]),
    flags: flagsOf({ restart: z.literal(true).optional(), force: z.literal(true).optional() }),
  })
  .transform((t) => ({
    ...(t.positionals[0] ? { image: t.positionals[0] } : {}),
    ...(t.positionals[1] ? { tag: t.positionals[1] } : {}),
    ...(t.flags.restart ? { restart: true } : {}),
    ...(t.flags.force ? { force: true } : {}),
  }));
export type ImagesSyncArgs = z.output<typeof ImagesSyncArgs>;

export const imagesCommand: CommandSpec = {
  command: '/images',
  description:
    'Compare and sync the Coder and workspace images between GHCR, the ECR mirror and the clusters',
  usageHint: 'status [--env <name>] | sync [image] [tag] [--restart] [--force]',
  bare: 'status',
  subcommands: [
    {
      name: 'status',
      summary:
        'Per inventory image (the Coder image, and the workspace images the templates need): the GHCR digest, the ECR mirror digest and push time (or missing), what each cluster runs, a verdict',
      usage: '[--env <name>]',
      examples: ['/images status', '/images status --env coderdemo.io'],
      minRole: 'viewer',
      mutates: false,
      valueFlags: ['env'],
      args: ImagesStatusArgs,
      job: COMMAND_JOBS.imagesStatus,
    },
    {
      name: 'sync',
      summary:
        'Plan copying the source build (GHCR) to the ECR mirror; applied after approval, verified by digest. --restart then rolls the Coder deployments onto it, control plane first; when ECR already has the build, --restart alone rolls the clusters still on another one. A pull-through cache is refused (pulls fill it) unless --force',
      usage: '[image] [tag] [--restart] [--force]',
      examples: [
        '/images sync',
        '/images sync coder v2.28.0',
        '/images sync coder --restart',
        '/images sync workspace-base',
      ],
      minRole: 'operator',
      mutates: true,
      args: ImagesSyncArgs,
      action: 'images.sync',
      job: COMMAND_JOBS.planRequest,
      toChange: (args, request) => ({
        kind: CHANGE_KINDS.images,
        change: { environment: request.env, ...(args as ImagesSyncArgs) },
      }),
    },
  ],
};
