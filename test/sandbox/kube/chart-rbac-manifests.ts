import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { chartRbac, type Rule } from '../../ship/chart-rbac.js';

const ROOT = join(import.meta.dirname, '../../..');
const RBAC = 'rbac.authorization.k8s.io';

interface RbacValues {
  group: string;
  namespaces: string[];
  rotationSecret?: { namespace: string; name: string };
}

/**
 * The Roles, ClusterRole and bindings helm/opsbot/templates/rbac.yaml renders for release `opsbot` with
 * the chart's values.yaml: the rules come from the template itself, the names and subjects from values.
 */
export function chartRbacManifests(): string {
  const values = (parse(readFileSync(join(ROOT, 'helm/opsbot/values.yaml'), 'utf8')) as { rbac: RbacValues })
    .rbac;
  const rbac = chartRbac(join(ROOT, 'helm/opsbot/templates/rbac.yaml'));
  const subjects = [{ apiGroup: RBAC, kind: 'Group', name: values.group }];
  const role = (kind: 'Role' | 'ClusterRole', name: string, rules: Rule[], namespace?: string) => [
    { apiVersion: `${RBAC}/v1`, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, rules },
    {
      apiVersion: `${RBAC}/v1`,
      kind: `${kind}Binding`,
      metadata: { name, ...(namespace ? { namespace } : {}) },
      roleRef: { apiGroup: RBAC, kind, name },
      subjects,
    },
  ];
  const docs = [
    ...role('ClusterRole', 'opsbot', rbac.cluster),
    ...values.namespaces.flatMap((ns) => role('Role', 'opsbot', rbac.namespaced, ns)),
  ];
  const secret = values.rotationSecret;
  if (secret?.name) {
    // The template names the Secret through a value; the rule's other fields are literal.
    const rules = rbac.rotationSecret.map((r) => ({ ...r, resourceNames: [secret.name] }));
    docs.push(...role('Role', 'opsbot-rotation-secret', rules, secret.namespace));
  }
  return docs.map((d) => stringify(d)).join('---\n');
}
