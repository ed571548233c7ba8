import type { IncomingMessage } from 'node:http';
import { coderError, coderJson, type Reply, resourceNotFound } from './coder-http.js';
import { decodeBody, GoFields, isNilUuid, isReply, validation, validationFailed } from './decode-body.js';
import { DATABASE_DOWN } from './health-report.js';
import { jsonView } from './json-view.js';
import { daemonsOf, syncWorkspaces } from './provisioner-queue.js';
import { resolveOrganization } from './resolve-organization.js';
import { isSandboxUser, UNKNOWN_USER } from './sandbox-user.js';
import type { ProbeContext } from './types.js';
import { workspaceJson } from './workspace-json.js';
import type { SimTemplate } from './workspace-model.js';
import { nameValid } from './workspace-name.js';

interface CreateRequest {
  templateId: string;
  versionId: string;
  name: string;
}

/** httpapi.Read on codersdk.CreateWorkspaceRequest: decoding, then its validate tags. */
async function readRequest(req: IncomingMessage): Promise<CreateRequest | Reply> {
  const body = await decodeBody(req);
  if (isReply(body)) return body;
  const fields = new GoFields(body, 'CreateWorkspaceRequest');
  const templateId = fields.uuid('template_id');
  if (isReply(templateId)) return templateId;
  const versionId = fields.uuid('template_version_id');
  if (isReply(versionId)) return versionId;
  const name = fields.string('name');
  if (isReply(name)) return name;
  const problems = [];
  if (isNilUuid(templateId) && isNilUuid(versionId)) {
    problems.push(validation('template_id', 'required_without', templateId));
    problems.push(validation('template_version_id', 'required_without', versionId));
  } else if (!isNilUuid(templateId) && !isNilUuid(versionId)) {
    problems.push(validation('template_id', 'excluded_with', templateId));
    problems.push(validation('template_version_id', 'excluded_with', versionId));
  }
  if (!nameValid(name)) problems.push(validation('name', 'workspace_name', name));
  return problems.length > 0 ? validationFailed(problems) : { templateId, versionId, name };
}

/** coderd's requestTemplate: by id, or by the version's template. */
function requestTemplate(r: CreateRequest, ctx: ProbeContext): SimTemplate | Reply {
  const sim = ctx.state.workspaces;
  if (!isNilUuid(r.templateId)) {
    return (
      sim.template(r.templateId) ??
      coderError(400, {
        message: `Template ${JSON.stringify(r.templateId)} doesn't exist.`,
        validations: [{ field: 'template_id', detail: 'template not found' }],
      })
    );
  }
  const byVersion = sim
    .orgs()
    .flatMap((org) => sim.templatesOf(org))
    .find((t) => t.activeVersionId === r.versionId);
  return (
    byVersion ??
    coderError(400, {
      message: `Template version ${JSON.stringify(r.versionId)} doesn't exist.`,
      validations: [{ field: 'template_version_id', detail: 'template not found' }],
    })
  );
}

/** `POST /api/v2/organizations/{organization}/members/{user}/workspaces` → 201 codersdk.Workspace. */
export async function createWorkspace(
  req: IncomingMessage,
  orgParam: string,
  userParam: string,
  ctx: ProbeContext,
): Promise<Reply> {
  if (resolveOrganization(orgParam, ctx) === undefined) return resourceNotFound();
  if (!isSandboxUser(userParam)) return coderError(400, UNKNOWN_USER);
  const request = await readRequest(req);
  if (isReply(request)) return request;
  if (ctx.state.databaseFailing) {
    return coderError(500, { message: 'Internal error fetching template.', detail: DATABASE_DOWN });
  }
  const template = requestTemplate(request, ctx);
  if (isReply(template)) return template;
  const now = syncWorkspaces(ctx);
  const sim = ctx.state.workspaces;
  if (sim.byName(request.name)) {
    return coderError(409, {
      message: `Workspace ${JSON.stringify(request.name)} already exists.`,
      validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
    });
  }
  const injected = sim.failures.match('create', { probe: ctx.probe.id, workspace: request.name });
  if (injected !== undefined) {
    return coderError(500, { message: 'Internal error creating workspace.', detail: injected });
  }
  const ws = sim.create(template, request.name, ctx.probe.id, now, daemonsOf(ctx));
  return coderJson(201, workspaceJson(ws, jsonView(ctx, now)));
}
