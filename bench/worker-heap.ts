import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The V8 heap the worker gets in its pod. Node sizes V8's heap from the memory the process may use (the pod's
 * cgroup limit, else the machine's RAM): on 64-bit, an old generation of half of it and a young generation
 * of an eighth of that (768 Mi → 384 MiB + 3 × 16 MiB semi-spaces). Unconstrained on a large machine V8
 * takes a 4 GiB old generation and 64 MiB semi-spaces, which it fills before collecting: another process's
 * memory than the worker's. The benches that measure the worker's memory run it with this.
 */
export function workerHeapOptions(): string {
  const values = parse(readFileSync(join(ROOT, 'helm/opsbot/values.yaml'), 'utf8')) as {
    worker?: { resources?: { limits?: { memory?: string } } };
  };
  const limit = values.worker?.resources?.limits?.memory ?? '';
  const m = /^(\d+)(Mi|Gi)$/.exec(limit);
  if (!m) throw new Error(`helm/opsbot/values.yaml: worker memory limit "${limit}" is not <n>Mi or <n>Gi`);
  const mib = Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
  // --max-heap-size lets V8 split it between the generations exactly as it splits a heap sized from RAM.
  return `--max-heap-size=${Math.round((mib / 2) * (9 / 8))}`;
}
