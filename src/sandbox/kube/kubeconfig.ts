import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigCluster {
  id: string;
  server: string;
  caData: string;
}

export const SANDBOX_USER = 'opsbot-sandbox';

/** A kubeconfig with one context per cluster id, all using the static token (file mode 0600). */
export async function writeKubeconfigFile(
  path: string,
  clusters: KubeconfigCluster[],
  token: string,
): Promise<void> {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: clusters.map((c) => ({
      name: c.id,
      cluster: { server: c.server, 'certificate-authority-data': c.caData },
    })),
    users: [{ name: SANDBOX_USER, user: { token } }],
    contexts: clusters.map((c) => ({ name: c.id, context: { cluster: c.id, user: SANDBOX_USER } })),
    'current-context': clusters[0]?.id ?? '',
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, stringify(doc), { mode: 0o600 });
}
