import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The viewer group of coderdemo.io in the split inventory; nobody in the sandbox is in it. */
export const DEMO_VIEWERS = 'S0DEMOVIEWERS';

/**
 * The repository's inventory with coderdemo.io's viewers in their own group, so the sandbox's viewer
 * (in S0ENGINEERS) holds a role in ai.coder.com only, while admins and operators keep both.
 */
export async function writeSplitInventory(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-inventory-'));
  await mkdir(join(dir, 'environments'));
  await copyFile('infra/environments/ai.coder.com.yaml', join(dir, 'environments/ai.coder.com.yaml'));
  const demo = await readFile('infra/environments/coderdemo.io.yaml', 'utf8');
  const split = demo.replace(
    'viewer: { usergroups: [S0ENGINEERS] }',
    `viewer: { usergroups: [${DEMO_VIEWERS}] }`,
  );
  if (split === demo) throw new Error('coderdemo.io.yaml no longer names S0ENGINEERS as its viewers');
  await writeFile(join(dir, 'environments/coderdemo.io.yaml'), split);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
