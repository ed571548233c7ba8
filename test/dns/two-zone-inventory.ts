import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The second zone ai.coder.com gets, so one /dns sync is two Cloudflare batches. */
export const SECOND_ZONE = 'coder-workshops.dev';
/** What the second zone's records point at. */
export const SECOND_ZONE_TARGET = 'ai-coder-control-7f3a9c1e2b4d5f60.elb.us-east-2.amazonaws.com';

/** An inventory directory with ai.coder.com plus a second zone of four records; remove it when done. */
export async function twoZoneInventory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-two-zones-'));
  await mkdir(join(dir, 'environments'));
  const zone = `    - name: ${SECOND_ZONE}
      records:
${['www', 'docs', 'status', 'labs']
  .map(
    (n) =>
      `        - { name: ${n}.${SECOND_ZONE}, type: CNAME, content: ${SECOND_ZONE_TARGET}, proxied: false, ttl: 300 }`,
  )
  .join('\n')}
`;
  const env = await readFile('infra/environments/ai.coder.com.yaml', 'utf8');
  const withZone = env.replace(/(\n {2}zones:\n)/, `$1${zone}`);
  if (withZone === env) throw new Error('ai.coder.com.yaml has no dns zones list to extend');
  await writeFile(join(dir, 'environments/ai.coder.com.yaml'), withZone);
  return dir;
}
