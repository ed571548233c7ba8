import { z } from 'zod';

/** codersdk.Response: the body of every coderd error. */
export const CoderResponse = z
  .object({
    message: z.string(),
    detail: z.string().optional(),
    validations: z.array(z.object({ field: z.string(), detail: z.string() })).nullish(),
  })
  .loose();
export type CoderResponse = z.infer<typeof CoderResponse>;

/** codersdk.BuildInfoResponse: a workspace proxy names its control plane in `dashboard_url`. */
export const BuildInfo = z
  .object({ workspace_proxy: z.boolean().default(false), dashboard_url: z.string().default('') })
  .loose();

export const Template = z.object({ id: z.string(), name: z.string() }).loose();

export const ProvisionerJob = z
  .object({
    id: z.string(),
    status: z.string(),
    created_at: z.string(),
    started_at: z.string().nullish(),
    completed_at: z.string().nullish(),
    error: z.string().nullish(),
    queue_position: z.number().default(0),
    queue_size: z.number().default(0),
  })
  .loose();
export type ProvisionerJob = z.infer<typeof ProvisionerJob>;

export const WorkspaceAgent = z
  .object({
    id: z.string(),
    status: z.string(),
    lifecycle_state: z.string(),
    health: z.object({ healthy: z.boolean(), reason: z.string().optional() }).loose().optional(),
  })
  .loose();
export type WorkspaceAgent = z.infer<typeof WorkspaceAgent>;

export const WorkspaceBuild = z
  .object({
    id: z.string(),
    transition: z.string(),
    status: z.string(),
    job: ProvisionerJob,
    resources: z
      .array(z.object({ agents: z.array(WorkspaceAgent).nullish() }).loose())
      .nullish()
      .transform((r) => r ?? []),
    matched_provisioners: z.object({ count: z.number(), available: z.number() }).loose().optional(),
  })
  .loose();
export type WorkspaceBuild = z.infer<typeof WorkspaceBuild>;

export const Workspace = z.object({ id: z.string(), name: z.string(), latest_build: WorkspaceBuild }).loose();
export type Workspace = z.infer<typeof Workspace>;

export const WorkspacesResponse = z.object({ workspaces: z.array(z.unknown()), count: z.number() }).loose();

export const ProvisionerJobs = z.array(ProvisionerJob);
