import type { Deployment as InventoryDeployment } from '../../inventory/schema.js';
import type { ClusterSim } from './cluster-sim.js';
import { seedDeployment } from './seed-workload.js';
import type { Container } from './types.js';

/** The image reference pods use for an inventory image id (and the digest the registry resolves it to). */
export function imageRefFor(sim: ClusterSim, imageId: string): string {
  const given = sim.opts.images[imageId];
  if (given) {
    sim.digests.set(given.ref, given.digest);
    return given.ref;
  }
  const img = sim.opts.env.images.find((i) => i.id === imageId);
  return img ? `${img.source}:${img.tag}` : `${imageId}:latest`;
}

function container(d: InventoryDeployment, image: string): Container {
  const requests = { cpu: d.resources.cpu, memory: d.resources.memory };
  const resources = { requests, limits: { memory: d.resources.memory } };
  switch (d.kind) {
    case 'coder-server':
    case 'proxy':
      return {
        name: 'coder',
        image,
        args: d.kind === 'proxy' ? ['wsproxy', 'server'] : ['server'],
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 10 },
        resources,
      };
    case 'provisioner':
      return {
        name: 'coder',
        image,
        args: ['provisionerd', 'start'],
        env: [{ name: 'CODER_PROVISIONERD_TAGS', value: `organization=${d.org ?? 'default'}` }],
        resources,
      };
    case 'litellm':
      return {
        name: 'litellm',
        image,
        args: ['--port', '4000', '--config', '/app/config.yaml'],
        ports: [{ name: 'http', containerPort: 4000, protocol: 'TCP' }],
        readinessProbe: {
          httpGet: { path: '/health/readiness', port: 'http', scheme: 'HTTP' },
          periodSeconds: 10,
        },
        resources,
      };
    case 'key-rotator':
      return { name: 'rotator', image, resources };
  }
}

/** The inventory's deployments for this cluster, running at their default replica counts. */
export function seedInventoryDeployments(sim: ClusterSim): void {
  for (const d of sim.opts.env.deployments.filter((x) => x.cluster === sim.info.id)) {
    seedDeployment(sim, {
      namespace: d.namespace,
      name: d.name,
      labels: { ...d.labels },
      // The instance label tells apart deployments that share the inventory labels (the provisioners).
      selector: { ...d.labels, 'app.kubernetes.io/instance': d.name },
      replicas: d.replicas.default,
      containers: [container(d, imageRefFor(sim, d.image))],
      ageDays: 60 + sim.rng.int(60),
    });
  }
}
