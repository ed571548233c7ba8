import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The worker as deployed runs compiled JavaScript, not through tsx (whose loader alone adds tens of MB): a bench
 * script and the `src/` it imports bundled into one ES module beside node_modules (packages left external),
 * for plain `node` to run. Returns the bundle's path.
 */
export async function bundleForNode(script: string, root = ROOT): Promise<string> {
  const name = script.replace(/\.ts$/, '.mjs');
  const outfile = join(root, 'node_modules', '.cache', 'opsbot-bench', name);
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'bench', script)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}
