import { parse as parseYaml } from 'yaml';
import { applyJsonPatch, decodeJsonPatch } from './json-patch.js';
import { mergePatch, strategicMerge } from './merge-patch.js';
import type { ResourceDef } from './resources.js';
import { badRequest, invalid, unsupportedMediaType } from './status-errors.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The patch content types a resource accepts, in the order the API server lists them. */
function accepted(def: ResourceDef): string[] {
  return def.crd
    ? ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']
    : [
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
        'application/apply-patch+yaml',
      ];
}

/** Maps the Content-Type of a PATCH to its patch type, or 415 like the API server (plain JSON included). */
export function patchTypeOf(def: ResourceDef, contentType: string | undefined): PatchType {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const type = TYPES[base];
  if (!type || !accepted(def).includes(base)) throw unsupportedMediaType(accepted(def));
  return type;
}

function decode(body: Buffer, type: PatchType): unknown {
  const text = body.toString('utf8');
  try {
    return type === 'apply' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    const detail = (err as Error).message.replace(/^Unexpected token/, 'invalid character');
    throw badRequest(`error decoding patch: ${detail}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Applies a PATCH body of the given type to `current`, returning the patched document and the parsed patch. */
export function applyPatch(
  current: object,
  type: PatchType,
  body: Buffer,
  fieldManager: string | null,
): { result: unknown; patch: unknown } {
  const patch = decode(body, type);
  switch (type) {
    case 'json':
      return { result: applyJsonPatch(current, decodeJsonPatch(patch)), patch };
    case 'merge':
      if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
      return { result: mergePatch(current, patch), patch };
    case 'strategic':
      if (!isObject(patch))
        throw badRequest(
          `error decoding patch: json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`,
        );
      return { result: strategicMerge(current, patch), patch };
    case 'apply':
      return { result: strategicMerge(current, applyConfiguration(patch, fieldManager)), patch };
  }
}

/** The object of an apply patch, after the checks the API server makes on it. */
export function applyConfiguration(patch: unknown, fieldManager: string | null): Record<string, unknown> {
  if (!fieldManager)
    throw invalid('PatchOptions', 'meta.k8s.io', '', [
      {
        field: 'fieldManager',
        message: 'Required value: is required for apply patch',
        reason: 'FieldValueRequired',
      },
    ]);
  if (!isObject(patch)) throw badRequest('error decoding patch: the apply patch must be an object');
  return patch;
}

/** Decodes an apply patch body (YAML or JSON) and checks it. */
export function decodeApply(body: Buffer, fieldManager: string | null): Record<string, unknown> {
  return applyConfiguration(decode(body, 'apply'), fieldManager);
}
