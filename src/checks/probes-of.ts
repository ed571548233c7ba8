import type { Environment, Probe } from '../inventory/schema.js';

/** The control plane's Coder probe: the one serving the `coder-server` deployment (else the first). */
export function primaryCoderProbe(env: Environment): Probe | undefined {
  const coder = env.probes.filter((p) => p.kind === 'coder');
  const server = env.deployments.find((d) => d.kind === 'coder-server')?.target;
  return coder.find((p) => p.deployment === server) ?? coder[0];
}
