import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { Environment } from './schema.js';

/** Raised when an inventory file is unreadable or invalid; lists every problem with its path. */
export class InventoryError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid inventory\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InventoryError';
  }
}

function describe(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

export function parseEnvironment(file: string, text: string): Environment {
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true });
  } catch (err) {
    throw new InventoryError(file, [`YAML: ${(err as Error).message}`]);
  }
  const result = Environment.safeParse(raw);
  if (!result.success) throw new InventoryError(file, describe(result.error.issues));
  return result.data;
}

export async function loadEnvironmentFile(file: string): Promise<Environment> {
  return parseEnvironment(file, await readFile(file, 'utf8'));
}

/** Every `*.yaml` under `<dir>/environments`, keyed by environment name. */
export async function loadInventory(dir: string): Promise<Map<string, Environment>> {
  const envDir = join(dir, 'environments');
  const files = (await readdir(envDir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const envs = new Map<string, Environment>();
  for (const f of files) {
    const env = await loadEnvironmentFile(join(envDir, f));
    if (envs.has(env.name))
      throw new InventoryError(join(envDir, f), [`name: duplicate environment "${env.name}"`]);
    envs.set(env.name, env);
  }
  return envs;
}
