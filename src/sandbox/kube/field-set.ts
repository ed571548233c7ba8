/**
 * Field sets as structured-merge-diff keeps them for managedFields: paths of `f:<field>`,
 * `k:{<list map keys>}` and `v:<set value>` elements. A path is stored as its JSON-encoded element list.
 * The schema knowledge (which lists merge by key, which structs are atomic) covers the types served.
 */
type Obj = Record<string, unknown>;
export type FieldSet = Set<string>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `+listType=map` lists and their keys (ports: container or service ports, told apart by their fields). */
const LIST_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  volumes: ['name'],
  imagePullSecrets: ['name'],
  conditions: ['type'],
  ownerReferences: ['uid'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
};
const SETS = new Set(['finalizers']);
/** Fields whose Go type is a non-pointer struct: they exist (as `{}`) in a zero-valued object. */
const NON_POINTER = new Set(['spec', 'template', 'metadata', 'strategy', 'status', 'resources']);
/** Fields the server never tracks ownership of. */
const STRIP_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'generateName',
]);

type ListKind = { kind: 'map'; keys: string[] } | { kind: 'set' } | { kind: 'atomic' };

export function listKind(field: string, items: unknown[]): ListKind {
  if (SETS.has(field)) return { kind: 'set' };
  if (field === 'ports') {
    const container = items.some((i) => isObject(i) && 'containerPort' in i);
    return { kind: 'map', keys: container ? ['containerPort', 'protocol'] : ['port', 'protocol'] };
  }
  const keys = LIST_KEYS[field];
  return keys ? { kind: 'map', keys } : { kind: 'atomic' };
}

export function isAtomicObject(field: string, v: Obj): boolean {
  if (field === 'roleRef') return true;
  // metav1.LabelSelector is +structType=atomic; a Service's selector is a plain (granular) map.
  return field === 'selector' && ('matchLabels' in v || 'matchExpressions' in v);
}

export function keyElement(item: Obj, keys: string[]): string {
  const key: Obj = {};
  for (const k of [...keys].sort()) key[k] = item[k] ?? (k === 'protocol' ? 'TCP' : undefined);
  return `k:${JSON.stringify(key)}`;
}

const enc = (path: string[]) => JSON.stringify(path);
export const decodePath = (p: string): string[] => JSON.parse(p) as string[];

/** The object with the fields nobody owns taken out (identity metadata, status, apiVersion/kind). */
export function ownedPart(obj: Obj, keepStatus = false): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || (k === 'status' && !keepStatus)) continue;
    if (k === 'metadata' && isObject(v)) {
      const meta = Object.fromEntries(Object.entries(v).filter(([mk]) => !STRIP_META.has(mk)));
      if (Object.keys(meta).length) out.metadata = meta;
    } else out[k] = v;
  }
  return out;
}

/** Every node of `value` as SMD's ToFieldSet sees it (leaves, list items, empty maps), or all nodes. */
function collect(value: unknown, field: string, path: string[], out: FieldSet, allNodes: boolean): void {
  if (Array.isArray(value)) {
    const lk = listKind(field, value);
    if (lk.kind === 'atomic') out.add(enc(path));
    else if (lk.kind === 'set') for (const v of value) out.add(enc([...path, `v:${JSON.stringify(v)}`]));
    else
      for (const item of value) {
        if (!isObject(item)) continue;
        const p = [...path, keyElement(item, lk.keys)];
        out.add(enc(p));
        for (const [k, v] of Object.entries(item)) collect(v, k, [...p, `f:${k}`], out, allNodes);
      }
    return;
  }
  if (!isObject(value) || Object.keys(value).length === 0 || isAtomicObject(field, value)) {
    out.add(enc(path));
    return;
  }
  if (allNodes && path.length && !NON_POINTER.has(field)) out.add(enc(path));
  for (const [k, v] of Object.entries(value)) collect(v, k, [...path, `f:${k}`], out, allNodes);
}

/** The set an applier owns: ToFieldSet of its applied configuration. */
export function toFieldSet(obj: Obj): FieldSet {
  const out: FieldSet = new Set();
  collect(ownedPart(obj), '', [], out, false);
  return out;
}

export interface Comparison {
  /** Added or modified paths (new intermediate nodes included, as SMD's Compare reports them). */
  changed: FieldSet;
  /** Leaves whose value changed or appeared (what an apply can conflict on). */
  modifiedLeaves: FieldSet;
  /** Paths that disappeared (every path below them is gone too). */
  removed: FieldSet;
}

function compareAt(a: unknown, b: unknown, field: string, path: string[], c: Comparison): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    const lk = listKind(field, b);
    if (lk.kind === 'map') {
      const index = (items: unknown[]) =>
        new Map(items.filter(isObject).map((i) => [keyElement(i, lk.keys), i] as const));
      const before = index(a);
      const after = index(b);
      for (const [k, item] of after) {
        const prev = before.get(k);
        if (prev) compareAt(prev, item, '', [...path, k], c);
        else {
          collect(item, '', [...path, k], c.changed, true);
          leaves(item, [...path, k], c);
        }
      }
      for (const k of before.keys()) if (!after.has(k)) c.removed.add(enc([...path, k]));
      return;
    }
    if (lk.kind === 'set') {
      const sa = new Set(a.map((v) => JSON.stringify(v)));
      const sb = new Set(b.map((v) => JSON.stringify(v)));
      for (const v of sb) if (!sa.has(v)) c.changed.add(enc([...path, `v:${v}`]));
      for (const v of sa) if (!sb.has(v)) c.removed.add(enc([...path, `v:${v}`]));
      return;
    }
  }
  if (isObject(a) && isObject(b) && !isAtomicObject(field, b)) {
    if (Object.keys(b).length === 0) {
      if (Object.keys(a).length === 0) return;
      for (const k of Object.keys(a)) c.removed.add(enc([...path, `f:${k}`]));
      c.changed.add(enc(path));
      c.modifiedLeaves.add(enc(path));
      return;
    }
    for (const [k, v] of Object.entries(b)) {
      const p = [...path, `f:${k}`];
      if (k in a) compareAt(a[k], v, k, p, c);
      else {
        collect(v, k, p, c.changed, true);
        if (isObject(v) && Object.keys(v).length && !NON_POINTER.has(k) && !isAtomicObject(k, v))
          c.changed.add(enc(p));
        leaves(v, p, c);
      }
    }
    for (const k of Object.keys(a)) if (!(k in b)) c.removed.add(enc([...path, `f:${k}`]));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    if (a === undefined) collect(b, field, path, c.changed, true);
    else c.changed.add(enc(path));
    leaves(b, path, c);
  }
}

function leaves(v: unknown, path: string[], c: Comparison): void {
  const s: FieldSet = new Set();
  collect(v, path.length ? (decodeField(path[path.length - 1]) ?? '') : '', path, s, false);
  for (const p of s) c.modifiedLeaves.add(p);
}

function decodeField(el: string | undefined): string | undefined {
  return el?.startsWith('f:') ? el.slice(2) : undefined;
}

/** What changed between two versions of an object, on the fields that can be owned. */
export function compare(before: Obj | undefined, after: Obj): Comparison {
  const c: Comparison = { changed: new Set(), modifiedLeaves: new Set(), removed: new Set() };
  compareAt(ownedPart(before ?? {}), ownedPart(after), '', [], c);
  return c;
}

/** Whether `path` is `prefix` or lies below it. */
export function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix.slice(0, -1)},`);
}

export function withoutPaths(set: FieldSet, remove: Iterable<string>, prefixes = false): FieldSet {
  const drop = [...remove];
  return new Set([...set].filter((p) => !drop.some((r) => (prefixes ? under(p, r) : p === r))));
}

/** FieldsV1 JSON: nested `f:`/`k:`/`v:` keys, `.` marking a node that is itself a member. */
export function toFieldsV1(set: FieldSet): Obj {
  const root: Obj = {};
  for (const p of [...set].sort()) {
    let node = root;
    for (const el of decodePath(p)) {
      node[el] ??= {};
      node = node[el] as Obj;
    }
  }
  const mark = (node: Obj, path: string[]) => {
    for (const [k, child] of Object.entries(node)) {
      const p = [...path, k];
      if (Object.keys(child as Obj).length && set.has(enc(p))) (child as Obj)['.'] = {};
      if (k !== '.') mark(child as Obj, p);
    }
  };
  mark(root, []);
  return root;
}

export function fromFieldsV1(fields: Obj | undefined): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: Obj, path: string[]) => {
    const keys = Object.keys(node).filter((k) => k !== '.');
    if (path.length && (keys.length === 0 || '.' in node)) out.add(enc(path));
    for (const k of keys) walk((node[k] ?? {}) as Obj, [...path, k]);
  };
  walk(fields ?? {}, []);
  return out;
}

/** `.spec.template.spec.containers[name="coder"].image`, as fieldpath.Path prints in conflict messages. */
export function pathString(p: string): string {
  return decodePath(p)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      const key = JSON.parse(el.slice(2)) as Obj;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}
