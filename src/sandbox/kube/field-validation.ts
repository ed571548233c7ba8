import * as models from '@kubernetes/client-node';
import type { RequestContext } from './request-context.js';
import { resourceKey } from './resources.js';
import { badRequest } from './status-errors.js';

/**
 * Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`, kubectl sends Strict): fields the
 * type does not declare fail the request or come back as `Warning` headers. The declared fields are those
 * of the generated client models, which come from the same OpenAPI documents the API server serves.
 */
const TYPES: Record<string, string> = {
  'deployments.apps': 'V1Deployment',
  services: 'V1Service',
  secrets: 'V1Secret',
  'roles.rbac.authorization.k8s.io': 'V1Role',
  'rolebindings.rbac.authorization.k8s.io': 'V1RoleBinding',
  'clusterroles.rbac.authorization.k8s.io': 'V1ClusterRole',
  'clusterrolebindings.rbac.authorization.k8s.io': 'V1ClusterRoleBinding',
};

type ModelClass = { getAttributeTypeMap?: () => { baseName: string; type: string }[] };

function unknownFields(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  const inner = /^Array<(.+)>$/.exec(type)?.[1] ?? /^\{ \[key: string\]: (.+); \}$/.exec(type)?.[1];
  if (inner) {
    const isList = type.startsWith('Array<');
    for (const [k, v] of Object.entries(value))
      unknownFields(v, inner, isList ? `${path}[${k}]` : `${path}.${k}`, out);
    return;
  }
  const model = (models as unknown as Record<string, ModelClass | undefined>)[type];
  const attrs = model?.getAttributeTypeMap?.();
  if (!attrs) return;
  for (const [k, v] of Object.entries(value)) {
    const attr = attrs.find((a) => a.baseName === k);
    const p = path ? `${path}.${k}` : k;
    if (attr) unknownFields(v, attr.type, p, out);
    else out.push(p);
  }
}

/** Applies the request's field validation to a decoded body; returns the warnings to send (Warn). */
export function checkFields(ctx: RequestContext, obj: unknown): string[] {
  const mode = ctx.query.get('fieldValidation') ?? 'Warn';
  const type = TYPES[resourceKey(ctx.route.def)];
  if (mode === 'Ignore' || !type) return [];
  if (mode !== 'Strict' && mode !== 'Warn')
    throw badRequest(
      `fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`,
    );
  const unknown: string[] = [];
  unknownFields(obj, type, '', unknown);
  if (!unknown.length) return [];
  if (mode === 'Warn') return unknown.map((p) => `unknown field "${p}"`);
  const { kind, version } = ctx.route.def;
  throw badRequest(
    `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${unknown.map((p) => `unknown field "${p}"`).join(', ')}`,
  );
}

/** `Warning: 299 - "<text>"` headers, as the API server sends them (kubectl prints them). */
export function warningHeaders(warnings: string[]): Record<string, string[]> {
  return warnings.length ? { warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
}
