/**
 * Generates protobuf-types.ts: the protobuf field numbers, JSON names and Go shapes of the Kubernetes
 * types whose protobuf bodies the sandbox decodes, read from the Go struct tags of k8s.io/api and
 * k8s.io/apimachinery (the same tags the real protobuf and JSON codecs use).
 *
 *   npx tsx src/sandbox/kube/gen-protobuf-types.ts <k8s.io/api checkout> <k8s.io/apimachinery checkout>
 *   npx biome check --write src/sandbox/kube/protobuf-types.ts
 *
 * Field numbers never change between Kubernetes versions, so a newer checkout only adds fields.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [apiDir, machineryDir] = process.argv.slice(2);
if (!apiDir || !machineryDir) throw new Error('usage: gen-protobuf-types.ts <api dir> <apimachinery dir>');

const SOURCES: [string, string][] = [
  ['core/v1', join(apiDir, 'core/v1/types.go')],
  ['apps/v1', join(apiDir, 'apps/v1/types.go')],
  ['policy/v1', join(apiDir, 'policy/v1/types.go')],
  ['authorization/v1', join(apiDir, 'authorization/v1/types.go')],
  ['meta/v1', join(machineryDir, 'pkg/apis/meta/v1/types.go')],
];
const ROOTS = [
  'apps/v1.Deployment',
  'core/v1.Service',
  'core/v1.Secret',
  'core/v1.ConfigMap',
  'policy/v1.Eviction',
  'authorization/v1.SelfSubjectAccessReview',
];
const PACKAGES: Record<string, string> = {
  'k8s.io/api/core/v1': 'core/v1',
  'k8s.io/api/apps/v1': 'apps/v1',
  'k8s.io/apimachinery/pkg/apis/meta/v1': 'meta/v1',
};
const SPECIAL: Record<string, string> = {
  'k8s.io/apimachinery/pkg/api/resource.Quantity': 'q',
  'k8s.io/apimachinery/pkg/util/intstr.IntOrString': 'ios',
  'k8s.io/apimachinery/pkg/runtime.RawExtension': 'raw',
  'k8s.io/apimachinery/pkg/types.UID': 's',
  'meta/v1.Time': 't',
  'meta/v1.MicroTime': 'mt',
  'meta/v1.Duration': 'd',
  'meta/v1.FieldsV1': 'raw',
};
const BUILTIN: Record<string, string> = {
  string: 's',
  bool: 'b',
  int32: 'i',
  int64: 'i',
  int: 'i',
  float64: 'f',
};

interface GoField {
  goType: string;
  json: string;
  omitempty: boolean;
  inline: boolean;
  num: number;
}
const structs = new Map<string, GoField[]>();
const named = new Map<string, string>();
const imports = new Map<string, Map<string, string>>();

for (const [pkg, file] of SOURCES) {
  const text = readFileSync(file, 'utf8');
  const aliases = new Map<string, string>();
  const block = /^import \(([\s\S]*?)^\)/m.exec(text)?.[1] ?? '';
  for (const m of block.matchAll(/^\s*(?:(\w+)\s+)?"([^"]+)"/gm)) {
    const path = m[2] ?? '';
    aliases.set(m[1] ?? path.split('/').pop() ?? '', PACKAGES[path] ?? path);
  }
  imports.set(pkg, aliases);
  for (const m of text.matchAll(/^type (\w+) (?:= )?([^\s{][^\n]*)$/gm))
    if (!m[2]?.startsWith('struct')) named.set(`${pkg}.${m[1]}`, m[2]?.trim() ?? '');
  for (const m of text.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    const fields: GoField[] = [];
    for (const line of (m[2] ?? '').split('\n')) {
      const f = /^\t(?:(\w+)\s+)?([^\s`]+)\s+`([^`]*)`/.exec(line);
      const proto = f && /protobuf:"\w+,(\d+),/.exec(f[3] ?? '');
      if (!f || !proto) continue;
      const json = /json:"([^"]*)"/.exec(f[3] ?? '')?.[1] ?? '';
      const [jsonName = '', ...opts] = json.split(',');
      fields.push({
        goType: f[2] ?? '',
        json: jsonName,
        omitempty: opts.includes('omitempty'),
        // An embedded struct without a JSON name (`json:""` or `json:",inline"`) is inlined.
        inline: opts.includes('inline') || (!f[1] && !jsonName),
        num: Number(proto[1]),
      });
    }
    structs.set(`${pkg}.${m[1]}`, fields);
  }
}

/** Go type → field kind: a scalar code, `m:<message>`, or `map:<value kind>`; flags p (pointer), r (repeated). */
function resolve(goType: string, pkg: string): { kind: string; flags: string } {
  if (goType.startsWith('*')) {
    const r = resolve(goType.slice(1), pkg);
    return { kind: r.kind, flags: `p${r.flags}` };
  }
  if (goType === '[]byte') return { kind: 'y', flags: '' };
  if (goType.startsWith('[]')) {
    const r = resolve(goType.slice(2), pkg);
    return { kind: r.kind, flags: `r${r.flags}` };
  }
  const map = /^map\[[^\]]+\](.+)$/.exec(goType);
  if (map) return { kind: `map:${resolve(map[1] ?? '', pkg).kind}`, flags: '' };
  const BUILT = BUILTIN[goType];
  if (BUILT) return { kind: BUILT, flags: '' };
  const dot = goType.indexOf('.');
  const full =
    dot >= 0
      ? `${imports.get(pkg)?.get(goType.slice(0, dot)) ?? '?'}.${goType.slice(dot + 1)}`
      : `${pkg}.${goType}`;
  const special = SPECIAL[full];
  if (special) return { kind: special, flags: '' };
  if (structs.has(full)) return { kind: `m:${full}`, flags: '' };
  const underlying = named.get(full);
  if (underlying !== undefined) return resolve(underlying, full.slice(0, full.lastIndexOf('.')));
  throw new Error(`cannot resolve ${goType} in ${pkg}`);
}

const out = new Map<string, string>();
const queue = [...ROOTS];
while (queue.length) {
  const name = queue.shift() ?? '';
  if (out.has(name)) continue;
  const pkg = name.slice(0, name.lastIndexOf('.'));
  const fields = structs.get(name);
  if (!fields) throw new Error(`no struct ${name}`);
  const entries = fields.map((f) => {
    const r = resolve(f.goType, pkg);
    for (const ref of r.kind.matchAll(/m:([\w/.]+)/g)) if (ref[1]) queue.push(ref[1]);
    const flags = `${r.flags}${f.omitempty ? 'o' : ''}${f.inline ? 'n' : ''}`;
    return `${f.num} ${f.json || '-'} ${flags || '-'} ${r.kind}`;
  });
  out.set(name, entries.join(';'));
}

const body = [...out.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([k, v]) => `  '${k}':\n    '${v}',`)
  .join('\n');
writeFileSync(
  join(import.meta.dirname, 'protobuf-types.ts'),
  `// Generated by gen-protobuf-types.ts from the Go struct tags of k8s.io/api and k8s.io/apimachinery.
// Each field: "<number> <json name> <flags> <kind>"; flags p pointer, r repeated, o omitempty, n inline
// (- none); kinds s string, b bool, i int, f float, y bytes, q Quantity, ios IntOrString, t Time,
// mt MicroTime, d Duration, raw embedded JSON, m:<message>, map:<value kind>.
export const PROTO_TYPES: Record<string, string> = {
${body}
};
`,
);
console.log(`${out.size} messages`);
