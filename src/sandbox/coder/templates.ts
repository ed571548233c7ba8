import { coderJson, type Reply, resourceNotFound } from './coder-http.js';
import { databaseDown } from './find-workspace.js';
import { DATABASE_DOWN } from './health-report.js';
import { resolveOrganization } from './resolve-organization.js';
import type { ProbeContext } from './types.js';
import { templateJson } from './workspace-json.js';

/** `GET /api/v2/organizations/{organization}/templates` → []codersdk.Template. */
export function listTemplates(orgParam: string, ctx: ProbeContext): Reply {
  const org = resolveOrganization(orgParam, ctx);
  if (org === undefined) return resourceNotFound();
  if (ctx.state.databaseFailing) return databaseDown('templates', DATABASE_DOWN);
  return coderJson(200, ctx.state.workspaces.templatesOf(org).map(templateJson));
}

/** `GET /api/v2/organizations/{organization}/templates/{templatename}`; unknown names are a 404. */
export function templateByName(orgParam: string, name: string, ctx: ProbeContext): Reply {
  const org = resolveOrganization(orgParam, ctx);
  if (org === undefined) return resourceNotFound();
  if (ctx.state.databaseFailing) return databaseDown('template', DATABASE_DOWN);
  const template = ctx.state.workspaces.templatesOf(org).find((t) => t.name === name);
  return template ? coderJson(200, templateJson(template)) : resourceNotFound();
}
