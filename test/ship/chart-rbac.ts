import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import type { Permission } from './kube-permissions.js';
import { skeleton } from './template-skeleton.js';

export const Rule = z.strictObject({
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
  verbs: z.array(z.string()),
  resourceNames: z.array(z.string()).optional(),
});
export type Rule = z.infer<typeof Rule>;

const RoleDoc = z.object({
  kind: z.enum(['ClusterRole', 'Role']),
  metadata: z.object({ name: z.string() }),
  rules: z.array(Rule),
});

/** The chart's RBAC rules, read from templates/rbac.yaml with its template actions taken out. */
export function chartRbac(file = 'helm/opsbot/templates/rbac.yaml'): {
  cluster: Rule[];
  namespaced: Rule[];
  rotationSecret: Rule[];
} {
  const roles = parseAllDocuments(skeleton(readFileSync(file, 'utf8')))
    .map((d) => d.toJS() as unknown)
    .filter((d) => d && ['ClusterRole', 'Role'].includes((d as { kind?: string }).kind ?? ''))
    .map((d) => RoleDoc.parse(d));
  const cluster = roles.filter((r) => r.kind === 'ClusterRole').flatMap((r) => r.rules);
  const namespacedRoles = roles.filter((r) => r.kind === 'Role');
  const rotation = namespacedRoles.filter((r) => r.rules.some((rule) => rule.resources.includes('secrets')));
  return {
    cluster,
    namespaced: namespacedRoles.filter((r) => !rotation.includes(r)).flatMap((r) => r.rules),
    rotationSecret: rotation.flatMap((r) => r.rules),
  };
}

/** Rules flattened to `group/resource:verb` strings (resourceNames appended), for set comparisons. */
export function flatten(rules: readonly Rule[]): string[] {
  return rules
    .flatMap((r) =>
      r.apiGroups.flatMap((g) =>
        r.resources.flatMap((res) =>
          r.verbs.map((v) => `${g}/${res}:${v}${r.resourceNames ? `[${r.resourceNames.join(',')}]` : ''}`),
        ),
      ),
    )
    .sort();
}

export function grants(rules: readonly Rule[], p: Permission): boolean {
  return rules.some(
    (r) => r.apiGroups.includes(p.group) && r.resources.includes(p.resource) && r.verbs.includes(p.verb),
  );
}
