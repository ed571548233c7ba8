import type { IncomingMessage } from 'node:http';
import { coderError, coderJson, type Reply } from './coder-http.js';
import { decodeBody, GoFields, isReply, validation, validationFailed } from './decode-body.js';
import { findBuild, findWorkspace, parseGoBool } from './find-workspace.js';
import { jsonView } from './json-view.js';
import { daemonsOf, syncWorkspaces } from './provisioner-queue.js';
import type { ProbeContext } from './types.js';
import { buildJson, workspaceJson } from './workspace-json.js';
import { jobActive, jobStatus, latestBuild, type Transition } from './workspace-model.js';

const TRANSITIONS: Transition[] = ['start', 'stop', 'delete'];

/** `GET /api/v2/workspaces/{workspace}`: a deleted workspace is 410 unless `include_deleted`. */
export function getWorkspace(url: URL, idParam: string, ctx: ProbeContext): Reply {
  const now = syncWorkspaces(ctx);
  const ws = findWorkspace(idParam, ctx);
  if (isReply(ws)) return ws;
  const raw = url.searchParams.get('include_deleted') ?? '';
  const includeDeleted = raw === '' ? false : parseGoBool(raw);
  if (includeDeleted === undefined) {
    return coderError(400, {
      message: `Invalid boolean value ${JSON.stringify(raw)} for "include_deleted" query param.`,
      validations: [{ field: 'deleted', detail: 'Must be a valid boolean' }],
    });
  }
  if (ws.deleted && !includeDeleted) {
    return coderError(410, {
      message: `Workspace ${JSON.stringify(ws.id)} was deleted, you can view this workspace by specifying '?deleted=true' and trying again.`,
    });
  }
  return coderJson(200, workspaceJson(ws, jsonView(ctx, now)));
}

/** `GET /api/v2/workspacebuilds/{workspacebuild}`. */
export function getBuild(idParam: string, ctx: ProbeContext): Reply {
  const now = syncWorkspaces(ctx);
  const found = findBuild(idParam, ctx);
  if (isReply(found)) return found;
  return coderJson(200, buildJson(found.ws, found.build, jsonView(ctx, now)));
}

/** `POST /api/v2/workspaces/{workspace}/builds` with codersdk.CreateWorkspaceBuildRequest → 201. */
export async function postBuild(req: IncomingMessage, idParam: string, ctx: ProbeContext): Promise<Reply> {
  const now = syncWorkspaces(ctx);
  const ws = findWorkspace(idParam, ctx);
  if (isReply(ws)) return ws;
  const body = await decodeBody(req);
  if (isReply(body)) return body;
  const fields = new GoFields(body, 'CreateWorkspaceBuildRequest');
  const transition = fields.string('transition');
  if (isReply(transition)) return transition;
  const orphan = fields.boolean('orphan');
  if (isReply(orphan)) return orphan;
  if (!TRANSITIONS.includes(transition as Transition)) {
    return validationFailed([validation('transition', 'oneof', transition)]);
  }
  if (ws.deleted && transition !== 'delete') {
    return coderError(409, {
      message: `Cannot ${transition} a deleted workspace!`,
      detail: 'This workspace has been deleted and cannot be modified.',
    });
  }
  if (orphan && transition !== 'delete') {
    return coderError(400, { message: 'Orphan is only permitted when deleting a workspace.' });
  }
  if (jobActive(latestBuild(ws).job)) {
    return coderError(409, { message: 'A workspace build is already active.' });
  }
  const build = ctx.state.workspaces.build(ws, transition as Transition, {
    via: ctx.probe.id,
    orphan,
    now,
    daemons: daemonsOf(ctx),
  });
  return coderJson(201, buildJson(ws, build, jsonView(ctx, now)));
}

/** `PATCH /api/v2/workspacebuilds/{workspacebuild}/cancel[?expect_status=pending|running]`. */
export function cancelBuild(url: URL, idParam: string, ctx: ProbeContext): Reply {
  const now = syncWorkspaces(ctx);
  const expect = url.searchParams.get('expect_status') ?? '';
  if (expect !== '' && expect !== 'running' && expect !== 'pending') {
    return coderError(400, {
      message: `Invalid expect_status ${JSON.stringify(expect)}. Only 'running' or 'pending' are allowed.`,
    });
  }
  const found = findBuild(idParam, ctx);
  if (isReply(found)) return found;
  const job = found.build.job;
  if (job.completedAt !== undefined) return coderError(400, { message: 'Job has already completed!' });
  if (job.canceledAt !== undefined)
    return coderError(400, { message: 'Job has already been marked as canceled!' });
  if (expect !== '' && jobStatus(job) !== expect)
    return coderError(412, { message: 'Job is not in the expected state.' });
  ctx.state.workspaces.cancel(found.build, now);
  return coderJson(200, { message: 'Job has been marked as canceled...' });
}
