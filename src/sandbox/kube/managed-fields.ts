import type { IncomingMessage } from 'node:http';
import type { KubeObject, ManagedFieldsEntry } from './types.js';

/** `kubectl/v1.32.4 (linux/amd64) …` → `kubectl`, as the API server derives a manager from the user agent. */
export function managerName(req: IncomingMessage, fieldManager: string | null): string {
  if (fieldManager) return fieldManager;
  const ua = req.headers['user-agent'] ?? '';
  return ua.split('/')[0]?.trim() || 'unknown';
}

/** FieldsV1 for the leaves a patch or update touches (lists count as leaves). */
export function fieldsOf(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$') || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata' && typeof v === 'object' && v !== null) {
      const { labels, annotations } = v as Record<string, unknown>;
      const meta = fieldsOf({ ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) });
      if (Object.keys(meta).length) out['f:metadata'] = meta;
      continue;
    }
    out[`f:${k}`] = fieldsOf(v);
  }
  return out;
}

/** Records who last wrote which fields, replacing that manager's previous Update entry. */
export function recordManager(
  obj: KubeObject,
  manager: string,
  apiVersion: string,
  time: string,
  fields: Record<string, unknown>,
  subresource?: string,
): void {
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Update',
    apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(subresource ? { subresource } : {}),
  };
  const others = (obj.metadata.managedFields ?? []).filter(
    (m) => !(m.manager === manager && m.operation === 'Update' && m.subresource === subresource),
  );
  obj.metadata.managedFields = [...others, entry];
}
