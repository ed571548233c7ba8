// The inventory schema reference (docs/inventory-reference.md), generated from src/inventory/schema.ts:
// structure, types, defaults and constraints from the zod schema itself (z.toJSONSchema for each leaf),
// field notes from the schema's own /** … */ comments. test/inventory/inventory-reference.test.ts fails
// when the checked-in file falls behind; regenerate with `npx tsx scripts/generate-inventory-reference.ts`.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import * as schema from '../src/inventory/schema.js';

const SCHEMA_FILE = 'src/inventory/schema.ts';

/** What each top-level section is for: the schema says what a field is, this says why it is there. */
export const SECTIONS: Record<string, string> = {
  name: 'The environment’s name, as `--env` and the file name (`<name>.yaml`) give it.',
  description: 'Free text for people.',
  clusters: 'The EKS clusters opsbot reaches; exactly one has `role: control-plane`.',
  deployments: 'The Kubernetes deployments opsbot reads and scales; `target` is what `/scale` calls them.',
  rotation: 'The LiteLLM key rotator that `/rotation` pauses (scaled to 0) and resumes.',
  dns: 'The Cloudflare zones and the records they should hold (`/dns`, `/ops status`, `/diagnose dns`).',
  images:
    'Images mirrored from their source (GHCR) to ECR, and the workspace images the Coder templates need (`/images`, `/ops status`, `/diagnose images` and its `image-mirror` alert).',
  probes:
    'Health endpoints (`/diagnose`, `/workshop`): `coder` needs CODER_SESSION_TOKEN, `litellm` LITELLM_API_KEY.',
  credentials: 'Credentials whose expiry `/diagnose` watches.',
  capacity: 'Concurrent users → replicas, per target (`/scale recommend`, `/workshop prep`).',
  thresholds: 'Limits the checks warn at, and how long each check may take.',
  slack: 'The channels commands are accepted in (the channel decides the environment) and the audit channel.',
  access: 'Who may do what: roles by Slack user or user group ID, the two-person rule, plan expiry.',
  schedules: 'Jobs run on a cron schedule (the scheduler role), e.g. the weekday digest.',
  alerts: 'The `/diagnose` checks watched on a schedule, and where alerts go.',
  workshop: 'How `/workshop` smoke-tests each region and winds down.',
};

/**
 * Notes for fields the schema leaves without a comment, by path. The test keeps every path here real, so a
 * renamed field cannot leave its note behind.
 */
export const FIELD_NOTES: Record<string, string> = {
  'clusters[].id': 'How deployments, credentials and the sandbox’s kubeconfig contexts name the cluster.',
  'clusters[].eksName':
    'The EKS cluster name (`aws eks describe-cluster --name`), for its endpoint and token.',
  'clusters[].role':
    'One `control-plane` (where the chart runs and grants RBAC); the rest `proxy` (Terraform grants RBAC there).',
  'deployments[].target':
    'The name people type: `/scale provisioners 8`; `name:qualifier` for variants (`proxy:us-west-2`).',
  'deployments[].org':
    'The Coder organisation a provisioner deployment serves (the provisioner queue check).',
  'deployments[].cluster': 'A `clusters[].id`.',
  'deployments[].namespace':
    'Its namespace: the chart’s `rbac.namespaces` must list every one in the control-plane cluster.',
  'deployments[].replicas':
    '`/scale` refuses counts outside `min`–`max`; `/scale reset` and the wind-down go back to `default`.',
  'deployments[].resources': 'Requests of one replica, for the capacity lines of a plan.',
  'deployments[].image': 'An `images[].id`.',
  'rotation.deployment': 'The rotator’s `deployments[].target` (kind `key-rotator`).',
  'rotation.secret':
    'The Secret the rotator rewrites; only its metadata is read (the chart’s `rbac.rotationSecret`).',
  'rotation.maxPauseHours': 'Longest pause `/rotation pause` and Extend allow.',
  'dns.zones[].name': 'A Cloudflare zone the API token may edit.',
  'dns.maxChangeShare':
    'A plan changing more than this share of a zone’s inventory records needs `--force` (admin).',
  'images[].source': 'The upstream repository, e.g. `ghcr.io/coder/coder-preview`.',
  'images[].mirror':
    'The ECR repository the image is mirrored to (Terraform grants push to it); one under an ECR pull-through cache rule’s prefix (`ghcr/coder/envbuilder`) is that cache, filled by pulls.',
  'probes[].id': 'Referenced by `workshop.smoke[].probe`; `PROBE_URL_<ID>` overrides its URL.',
  'slack.opsChannels[]':
    'Channel IDs (`C…`, `G…` for private ones) where commands are accepted; the bot must be a member.',
  'slack.auditChannel': 'Channel ID the audit log is mirrored to (changes, refusals, failures).',
  'access.roles':
    'Each role by Slack user IDs (`U…`) and/or user group IDs (`S…`); a person holds the highest role naming them.',
  'access.twoPerson[]':
    'Actions whose approver must differ from the requester: `scale.apply`, `rotation.pause`, `dns.update`, `dns.delete`, `dns.sync`, `dns.rollback`, `rotation.resume`, `images.sync`, `flag.set` (`/ops notice`).',
  'access.incidentWaiver': 'Lets `--incident` waive the two-person rule (audited).',
  'access.planTtlMinutes': 'How long a plan waits for approval before it expires.',
  'schedules[].job': 'A job name, e.g. `ops.digest`.',
  'schedules[].cron': 'Five-field cron, in `tz`.',
  'alerts.onCall': 'User group ID mentioned when an alert escalates.',
};

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  schema?: z.ZodType;
  defaultValue?: unknown;
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

interface Field {
  path: string;
  type: string;
  required: boolean;
  default?: string;
  note: string;
}

/**
 * `/** … *\/` comments of the schema's properties, keyed `<const>.<property path>`. Read from the source
 * text by indentation (the file is Biome-formatted): a property whose value opens a bracket it does not
 * close on its line holds the properties indented below it.
 */
function schemaComments(): Map<string, string> {
  const notes = new Map<string, string>();
  let owner = '';
  let stack: { indent: number; key: string }[] = [];
  let doc: string[] | undefined;
  let pending: string | undefined;
  for (const line of readFileSync(SCHEMA_FILE, 'utf8').split('\n')) {
    const top = /^(?:export )?const (\w+) =/.exec(line);
    if (top) {
      owner = top[1]!;
      stack = [];
      pending = undefined;
      continue;
    }
    const trimmed = line.trim();
    if (doc) {
      doc.push(trimmed.replace(/\*\/$/, '').replace(/^\*\s?/, ''));
      if (trimmed.endsWith('*/')) {
        pending = doc.join(' ').replace(/\s+/g, ' ').trim();
        doc = undefined;
      }
      continue;
    }
    if (trimmed.startsWith('/**')) {
      const body = trimmed.replace(/^\/\*\*\s?/, '');
      if (body.endsWith('*/')) pending = body.replace(/\s*\*\/$/, '').trim();
      else doc = [body];
      continue;
    }
    const prop = /^(\s*)(\w+): (.*)$/.exec(line);
    if (!prop) {
      if (trimmed && !trimmed.startsWith('//')) pending = undefined;
      continue;
    }
    const indent = prop[1]!.length;
    stack = stack.filter((s) => s.indent < indent);
    const path = [...stack.map((s) => s.key), prop[2]!];
    if (pending) notes.set(`${owner}.${path.join('.')}`, pending);
    pending = undefined;
    const rest = prop[3]!;
    const open = (rest.match(/[({[]/g) ?? []).length - (rest.match(/[)}\]]/g) ?? []).length;
    if (open > 0 || /\bz$/.test(rest)) stack.push({ indent, key: prop[2]! });
  }
  return notes;
}

/** The exported object schemas by identity, so a nested reference is known by its const's name. */
function namedObjects(): Map<unknown, string> {
  const names = new Map<unknown, string>();
  for (const [name, value] of Object.entries(schema))
    if (value instanceof z.ZodType) names.set(objectOf(value) ?? value, name);
  return names;
}

/** The z.object inside refinements and pipes, if any. */
function objectOf(s: z.ZodType): z.ZodType | undefined {
  const def = defOf(s);
  if (def.type === 'object') return s;
  if (def.type === 'pipe' && def.in) return objectOf(def.in);
  return undefined;
}

/** A leaf as JSON Schema words: `string (pattern …)`, `integer ≥ 0`, `one of a, b`. */
function typeWords(s: z.ZodType): string {
  const json = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonWords(json);
}

function jsonWords(j: Record<string, unknown>): string {
  if (Array.isArray(j.enum))
    return `one of ${(j.enum as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}`;
  if (j.const !== undefined) return `\`${String(j.const)}\``;
  if (Array.isArray(j.anyOf)) return (j.anyOf as Record<string, unknown>[]).map(jsonWords).join(' or ');
  const bounds = [
    j.minimum !== undefined ? `≥ ${j.minimum}` : '',
    j.exclusiveMinimum !== undefined ? `> ${j.exclusiveMinimum}` : '',
    j.maximum !== undefined && j.maximum !== Number.MAX_SAFE_INTEGER ? `≤ ${j.maximum}` : '',
    j.minLength === 1 ? 'non-empty' : j.minLength !== undefined ? `at least ${j.minLength} characters` : '',
    j.pattern !== undefined ? `matching \`${String(j.pattern)}\`` : '',
    j.format !== undefined ? `(${String(j.format)})` : '',
  ].filter(Boolean);
  const type = j.type === 'integer' ? 'integer' : String(j.type ?? 'any');
  return [type, ...bounds].join(' ');
}

const shown = (v: unknown) => `\`${JSON.stringify(v)}\``;

export interface Table {
  path: string;
  fields: Field[];
}

/**
 * Walks the schema from `Environment`: one table per object (the root, then each nested object under its
 * path, `[]` marking a list and `<key>` a map), each row a field with its type, default and note.
 */
export function referenceTables(): Table[] {
  const notes = schemaComments();
  const names = namedObjects();
  const tables: Table[] = [];

  const walkObject = (obj: z.ZodType, path: string, owner: string, ownerPath: string[]) => {
    const fields: Field[] = [];
    tables.push({ path, fields });
    for (const [key, value] of Object.entries(defOf(obj).shape ?? {})) {
      let s = value;
      let required = true;
      let dflt: unknown;
      let list = '';
      // Unwrap optional / default / nullable, then lists and maps, down to an object or a leaf.
      for (;;) {
        const d = defOf(s);
        if (d.type === 'optional' || d.type === 'nullable') {
          if (d.type === 'optional') required = false;
          s = d.innerType!;
        } else if (d.type === 'default') {
          required = false;
          dflt = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
          s = d.innerType!;
        } else if (d.type === 'array') {
          list += '[]';
          s = d.element!;
        } else if (d.type === 'record') {
          list += '.<key>';
          s = d.valueType!;
        } else break;
      }
      const child = `${path ? `${path}.` : ''}${key}${list}`;
      const named = names.get(objectOf(s) ?? s);
      const note =
        notes.get(`${owner}.${[...ownerPath, key].join('.')}`) ??
        (path === '' ? SECTIONS[key] : FIELD_NOTES[child]) ??
        '';
      const inner = objectOf(s);
      const shape = inner ? `object${list ? ` ${list.includes('[]') ? 'list' : 'map'}` : ''} (below)` : '';
      fields.push({
        path: child,
        type: inner ? shape : `${list.includes('[]') ? 'list of ' : list ? 'map of ' : ''}${typeWords(s)}`,
        required,
        ...(dflt !== undefined ? { default: shown(dflt) } : {}),
        note,
      });
      if (inner)
        named && named !== 'Environment'
          ? walkObject(inner, child, named, [])
          : walkObject(inner, child, owner, [...ownerPath, key]);
    }
  };
  walkObject(objectOf(schema.Environment)!, '', 'Environment', []);
  return tables;
}

/** docs/inventory-reference.md: the tables as Markdown, under a short introduction. */
export function inventoryReference(): string {
  const tables = referenceTables();
  const out = [
    '# Inventory reference',
    '',
    '<!-- Generated by scripts/generate-inventory-reference.ts from src/inventory/schema.ts; do not edit. -->',
    '',
    'One YAML file per environment in `infra/environments/<name>.yaml` (the chart ships them as the',
    '`inventory.environments` ConfigMap). opsbot validates every file at start and names the file, the path',
    'and the problem. Besides the types below, references are checked across the file: a deployment’s',
    '`cluster` and `image` must exist, targets are unique, a probe’s `deployment` and a capacity row’s',
    'target must name a deployment, the rotator must be a deployment, and so on.',
    '',
    'Worked example: [`infra/environments/ai.coder.com.yaml`](../infra/environments/ai.coder.com.yaml).',
    '',
  ];
  for (const t of tables) {
    out.push(`## ${t.path === '' ? 'Top level' : `\`${t.path}\``}`, '');
    out.push('| field | type | required | default | notes |', '|---|---|---|---|---|');
    for (const f of t.fields) {
      const name = f.path.slice(t.path ? t.path.length + 1 : 0);
      const cell = (s: string) => s.replace(/\|/g, '\\|');
      out.push(
        `| \`${cell(name)}\` | ${cell(f.type)} | ${f.required ? 'yes' : 'no'} | ${cell(f.default ?? '')} | ${cell(f.note)} |`,
      );
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
