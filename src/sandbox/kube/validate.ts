import { matchesLabels, selectorRequirements } from './selectors.js';
import { type FieldCause, invalid, type KubeError } from './status-errors.js';
import type { Deployment, LabelSelector } from './types.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function goType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** A patched document that no longer decodes into the Go type (e.g. replicas as a string): 422 on `patch`. */
export function decodeError(
  patched: unknown,
  goField: string,
  goTypeName: string,
  value: unknown,
): KubeError {
  return invalid('', '', '', [
    {
      field: 'patch',
      message: `Invalid value: "${JSON.stringify(patched).replace(/"/g, '\\"')}": json: cannot unmarshal ${goType(value)} into Go struct field ${goField} of type ${goTypeName}`,
    },
  ]);
}

/** Validates replicas the way both Deployment and Scale validation do. */
export function replicasCauses(value: number): FieldCause[] {
  return value < 0
    ? [{ field: 'spec.replicas', message: `Invalid value: ${value}: must be greater than or equal to 0` }]
    : [];
}

export function isReplicaCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v <= 2_147_483_647;
}

function goMap(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).map(([k, v]) => `"${k}":"${v}"`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** Deployment validation for the fields the simulator relies on; returns the typed object or throws 422. */
export function validateDeployment(doc: unknown, name: string, previousSelector?: LabelSelector): Deployment {
  if (!isObject(doc) || !isObject(doc.spec) || !isObject(doc.metadata))
    throw invalid('Deployment', 'apps', name, [
      { field: 'spec', message: 'Required value', reason: 'FieldValueRequired' },
    ]);
  const spec = doc.spec;
  if (spec.replicas !== undefined && !isReplicaCount(spec.replicas))
    throw decodeError(doc, 'DeploymentSpec.spec.replicas', 'int32', spec.replicas);
  const d = doc as unknown as Deployment;
  const causes: FieldCause[] = [...replicasCauses(d.spec.replicas ?? 1)];
  const template = d.spec.template;
  const containers = template?.spec?.containers ?? [];
  if (containers.length === 0)
    causes.push({
      field: 'spec.template.spec.containers',
      message: 'Required value',
      reason: 'FieldValueRequired',
    });
  containers.forEach((c, i) => {
    if (!c.name)
      causes.push({
        field: `spec.template.spec.containers[${i}].name`,
        message: 'Required value',
        reason: 'FieldValueRequired',
      });
    if (!c.image)
      causes.push({
        field: `spec.template.spec.containers[${i}].image`,
        message: 'Required value',
        reason: 'FieldValueRequired',
      });
  });
  const selector = d.spec.selector ?? {};
  if (!matchesLabels(selectorRequirements(selector), template?.metadata?.labels))
    causes.push({
      field: 'spec.template.metadata.labels',
      message: `Invalid value: ${goMap(template?.metadata?.labels)}: \`selector\` does not match template \`labels\``,
    });
  if (previousSelector && JSON.stringify(previousSelector) !== JSON.stringify(selector))
    causes.push({
      field: 'spec.selector',
      message: `Invalid value: v1.LabelSelector{MatchLabels:${goMap(selector.matchLabels)}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`,
    });
  if (causes.length) throw invalid('Deployment', 'apps', name, causes);
  d.spec.replicas ??= 1;
  return d;
}
