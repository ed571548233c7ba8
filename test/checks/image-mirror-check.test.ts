import { describe, expect, it } from 'vitest';
import { type CheckDeps, createCheckContext } from '../../src/checks/check-context.js';
import { imageMirrorCheck } from '../../src/checks/image-mirror-check.js';
import { runChecks } from '../../src/checks/run-checks.js';
import { TransientError } from '../../src/errors/transient-error.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import type { ClusterClient } from '../../src/ports/clusters.js';
import type { Registry } from '../../src/ports/registry.js';

const env = (await loadInventory('infra')).get('ai.coder.com')!;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

interface World {
  /** Inventory image id → the source tag's digest (an Error: that read fails). */
  source: Record<string, string | Error>;
  /** Inventory image id → the mirror tag's digest (null: tag missing). */
  mirror: Record<string, string | null>;
  /** Inventory image id → the digest its deployments' pods run. */
  running: Record<string, string>;
}

const byId = (source: string) => env.images.find((i) => i.source === source)!.id;
const byRepo = (repository: string) => env.images.find((i) => i.mirror?.repository === repository)!.id;

/** Our Registry port answering from `w` (the OCI adapter is tested against the sandbox); `ghcr/` is a cache. */
function registry(w: World): Registry {
  return {
    sourceImage: async (source) => {
      const d = w.source[byId(source)]!;
      if (d instanceof Error) throw d;
      return { digest: d, mediaType: 'application/vnd.oci.image.index.v1+json', platforms: [] };
    },
    mirrorImage: async (mirror) => {
      const d = w.mirror[byRepo(mirror.repository)];
      return d ? { digest: d, pushedAt: NOW - 3_600_000 } : undefined;
    },
    mirrorHistory: async () => [],
    pullThroughRules: async () => [{ prefix: 'ghcr', upstreamRegistry: 'ghcr.io' }],
    copy: () => Promise.reject(new Error('not here')),
  };
}

/** Each deployment's pods run the digest `w.running` gives its image. */
function clusters(w: World): CheckDeps['clusters'] {
  return {
    client: (id: string) =>
      ({
        clusterId: id,
        getDeployment: async (namespace: string, name: string) => ({ selector: `app=${namespace}-${name}` }),
        foldPods: async <T>(
          q: { namespace: string; labelSelector: string },
          init: () => T,
          step: (acc: T, page: unknown[]) => T,
        ) => {
          const d = env.deployments.find(
            (x) => x.cluster === id && q.labelSelector === `app=${x.namespace}-${x.name}`,
          )!;
          const pod = { phase: 'Running', containers: [{ imageID: `repo@${w.running[d.image ?? '']}` }] };
          return step(init(), [pod, pod]);
        },
      }) as unknown as ClusterClient,
  };
}

/** Every image in sync: source = mirror = running, one digest per image. */
function synced(): World {
  const ids = env.images.map((i) => i.id);
  const each = (f: (i: number) => string) => Object.fromEntries(ids.map((id, i) => [id, f(i + 1)]));
  return { source: each(digest), mirror: each(digest), running: each(digest) };
}

async function run(w: World, withRegistry = true) {
  const deps: CheckDeps = {
    clusters: clusters(w),
    probes: {} as CheckDeps['probes'],
    dns: {} as CheckDeps['dns'],
    resolver: {} as CheckDeps['resolver'],
    ...(withRegistry ? { registry: registry(w) } : {}),
  };
  const [report] = await runChecks([imageMirrorCheck], createCheckContext(env, deps, NOW));
  return report!;
}

describe('the image-mirror check', () => {
  it('is one green line when every image is in sync', async () => {
    const report = await run(synced());
    expect(report.status).toBe('ok');
    expect(report.results).toEqual([
      expect.objectContaining({
        summary: `${env.images.length} images in sync: each mirror holds its GHCR tag's build and the pods run it`,
      }),
    ]);
  });

  it('fails on a stale mirror with the digests, who runs what, and the sync as its fix', async () => {
    const w = synced();
    w.source.coder = digest(9);
    const report = await run(w);
    expect(report.status).toBe('fail');
    const coder = report.results.find((r) => r.subject === 'coder')!;
    expect(coder.summary).toBe('`coder`: mirror stale');
    expect(coder.evidence[0]).toBe(`source: \`${digest(9).slice(0, 19)}…\``);
    expect(coder.evidence[1]).toMatch(
      /^ECR `coder-preview:v2.28.0`: `sha256:1{12}…`, pushed <!date\^\d+.* — not the source’s build$/,
    );
    expect(coder.evidence[2]).toContain(
      'running: `coder` (us-east-2): `sha256:111111111111…` ×2 — ok; `proxy:us-west-2`',
    );
    expect(coder.remediation).toEqual({
      kind: 'images.mirror',
      change: { environment: 'ai.coder.com', image: 'coder' },
      label: 'Sync coder to ECR',
    });
    // The other images are fine, each its own part.
    expect(report.results.filter((r) => r.status === 'ok')).toHaveLength(env.images.length - 1);
  });

  it('fails on a workspace image missing from ECR, naming its templates', async () => {
    const w = synced();
    w.mirror['workspace-base'] = null;
    const report = await run(w);
    const row = report.results.find((r) => r.subject === 'workspace-base')!;
    expect(row.status).toBe('fail');
    expect(row.summary).toBe(
      '`workspace-base` (workspaces of `kubernetes`, `kubernetes-claude`): mirror missing',
    );
    expect(row.evidence).toContain('ECR `coder-workspaces/ai-workshop-workspace:2026.11`: tag missing');
    expect(row.remediation?.label).toBe('Sync workspace-base to ECR');
  });

  it('only warns about a pull-through cache that lags, with what to do instead of a sync', async () => {
    const w = synced();
    w.source.envbuilder = digest(9);
    const report = await run(w);
    const row = report.results.find((r) => r.subject === 'envbuilder')!;
    expect(row.status).toBe('warn');
    expect(row.summary).toContain('mirror stale (an ECR pull-through cache: a pull refreshes it)');
    expect(row.remediation).toBeUndefined();
    expect(row.evidence.join('\n')).toContain(
      'aws ecr batch-delete-image --region us-east-2 --repository-name ghcr/coder/envbuilder',
    );
    expect(row.evidence.join('\n')).toContain('`/images sync envbuilder --force`');
  });

  it('warns, offering the restart-only plan, when the mirror is current but the pods run an older build', async () => {
    const w = synced();
    w.source.coder = digest(9);
    w.mirror.coder = digest(9);
    const report = await run(w);
    const coder = report.results.find((r) => r.subject === 'coder')!;
    expect(coder.status).toBe('warn');
    expect(coder.summary).toBe('`coder`: cluster behind');
    expect(coder.remediation).toMatchObject({
      change: { image: 'coder', restart: true },
      label: "Restart coder onto ECR's build",
    });
    expect(coder.evidence.at(-1)).toContain(
      '`/images sync coder --restart` rolls them onto the build ECR serves',
    );
  });

  it('cannot tell when GHCR does not answer (its class only), nor without a registry', async () => {
    const w = synced();
    w.source.litellm = new TransientError('429 from https://ghcr.example/token?scope=x', {
      kind: 'rate-limited',
    });
    const report = await run(w);
    const row = report.results.find((r) => r.subject === 'litellm')!;
    expect(row.status).toBe('unknown');
    expect(row.summary).toBe(
      '`litellm`: could not tell (source: rate limited — temporary, try again shortly)',
    );
    expect(row.evidence).toEqual([]);
    expect(JSON.stringify(row)).not.toContain('ghcr.example');

    const none = await run(synced(), false);
    expect(none.status).toBe('unknown');
    expect(none.results[0]?.summary).toBe('GHCR and ECR not read: this opsbot has no registry configured');
  });
});
