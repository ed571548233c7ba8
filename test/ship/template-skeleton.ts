// Helm isn't installable here, so the chart's templates are checked without rendering them:
// template actions are taken out and what is left must still be well-formed YAML. The GitHub
// workflow renders the chart for real (helm lint, helm template | kubeconform).

/** Every `{{ … }}` action with its inner text (trim markers and comments included). */
export function templateActions(text: string): string[] {
  return [...text.matchAll(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g)].map((m) => m[1]!);
}

const ACTION = /\{\{-?[\s\S]*?-?\}\}/g;
export const PLACEHOLDER = 'TEMPLATED';

/**
 * The YAML left when actions are removed: lines made only of actions (if/range/include … nindent)
 * disappear; an action inside a line becomes a placeholder scalar. Multi-line comments go first.
 */
export function skeleton(text: string): string {
  return text
    .replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '')
    .split('\n')
    .filter((line) => line.replace(ACTION, '').trim() !== '' || line.trim() === '')
    .map((line) => line.replace(ACTION, PLACEHOLDER))
    .join('\n');
}

/** `if`/`range`/`with`/`define`/`block` openers minus `end`s: 0 when a file's actions balance. */
export function openBlocks(text: string): number {
  let depth = 0;
  for (const action of templateActions(text)) {
    if (/^(if|range|with|define|block)\b/.test(action)) depth += 1;
    else if (/^end\b/.test(action)) depth -= 1;
    if (depth < 0) return depth;
  }
  return depth;
}

/** Named templates defined in a file, with their bodies. */
export function defines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\{\{-?\s*define\s+"([^"]+)"\s*-?\}\}/g;
  for (const m of text.matchAll(re)) {
    const start = m.index + m[0].length;
    let depth = 1;
    const inner = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
    inner.lastIndex = start;
    for (let a = inner.exec(text); a; a = inner.exec(text)) {
      if (/^(if|range|with|define|block)\b/.test(a[1]!)) depth += 1;
      else if (/^end\b/.test(a[1]!)) depth -= 1;
      if (depth === 0) {
        out.set(m[1]!, text.slice(start, a.index));
        break;
      }
    }
  }
  return out;
}

export function includedNames(text: string): string[] {
  return [...text.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)].map((m) => m[1]!);
}

/** `.Values.a.b` paths referenced (through `.`, `$` or `$root`). */
export function valuesPaths(text: string): string[] {
  return [...text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => m[1]!.slice(1));
}

/** Leaf paths of a values tree; empty maps and lists count as leaves (they are values in their own right). */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

export function hasPath(value: unknown, path: string): boolean {
  let node = value;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

/** Values overlaid the way Helm merges a user's file onto values.yaml (maps merge, the rest replaces). */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (
    base === null ||
    over === null ||
    typeof base !== 'object' ||
    typeof over !== 'object' ||
    Array.isArray(base) ||
    Array.isArray(over)
  )
    return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = mergeValues(out[k], v);
  return out;
}
