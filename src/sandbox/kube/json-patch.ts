import { badRequest, unprocessable } from './status-errors.js';
import { clone } from './types.js';

type Json = unknown;
interface Op {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes an RFC 6902 body; errors read like the API server's (`error decoding patch: …`). */
export function decodeJsonPatch(body: unknown): Op[] {
  if (!Array.isArray(body)) {
    const what = isObject(body) ? 'object' : typeof body === 'string' ? 'string' : typeof body;
    throw badRequest(
      `error decoding patch: json: cannot unmarshal ${what} into Go value of type []handlers.jsonPatchOp`,
    );
  }
  return body.map((raw) => {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string')
      throw badRequest(
        'error decoding patch: json: cannot unmarshal into Go value of type handlers.jsonPatchOp',
      );
    return raw as unknown as Op;
  });
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw unprocessable(`invalid path ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Walks to the parent container of `pointer`; undefined when a segment is missing. */
function parentOf(doc: unknown, parts: string[]): unknown {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function getAt(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const p of tokens(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

function missing(op: string, path: string): never {
  // evanphx/json-patch words a missing key differently for replace.
  if (op === 'replace') throw unprocessable(`replace operation does not apply: doc is missing key: ${path}`);
  throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}"`);
}

function add(doc: unknown, path: string, value: unknown, op = 'add'): void {
  const parts = tokens(path);
  const parent = parentOf(doc, parts);
  const last = parts[parts.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const idx = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(idx) || idx < 0 || idx > parent.length)
      throw unprocessable(
        `${op} operation does not apply: doc is missing path: "${path}": unable to access invalid index: ${last}`,
      );
    parent.splice(idx, 0, clone(value));
  } else if (isObject(parent)) parent[last] = clone(value);
  else missing(op, path);
}

function remove(doc: unknown, path: string, op = 'remove'): unknown {
  const parts = tokens(path);
  const parent = parentOf(doc, parts);
  const last = parts[parts.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const idx = Number(last);
    if (!Number.isInteger(idx) || idx < 0 || idx >= parent.length) missing(op, path);
    return parent.splice(idx, 1)[0];
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) {
    const v = parent[last];
    delete parent[last];
    return v;
  }
  return missing(op, path);
}

/** Applies RFC 6902 operations to a copy of `doc`; a failing op is a 422 as in the API server. */
export function applyJsonPatch<T>(doc: T, ops: Op[]): T {
  const out = clone(doc);
  for (const o of ops) {
    switch (o.op) {
      case 'add':
        add(out, o.path, o.value);
        break;
      case 'remove':
        remove(out, o.path);
        break;
      case 'replace':
        remove(out, o.path, 'replace');
        add(out, o.path, o.value, 'replace');
        break;
      case 'move':
        add(out, o.path, remove(out, o.from ?? '', 'move'), 'move');
        break;
      case 'copy': {
        const v = getAt(out, o.from ?? '');
        if (v === undefined) missing('copy', o.from ?? '');
        add(out, o.path, v, 'copy');
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(out, o.path)) !== JSON.stringify(o.value))
          throw unprocessable(`testing value ${o.path} failed: test failed`);
        break;
      default:
        throw unprocessable(`Unexpected kind: ${o.op}`);
    }
  }
  return out;
}
