import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startE2E } from '../support/start-e2e.js';
import { control, diagnose, ROOMY_CHECKS, sectionOf } from './diagnose-kit.js';

const NODES = 300;
const PODS = 9_000;
let sandbox: Sandbox;
let dir: string;
let core: CoreV1Api;
let kubeconfig: string;

beforeAll(async () => {
  sandbox = (await startE2E(ROOMY_CHECKS)).sandbox;
  dir = mkdtempSync(join(tmpdir(), 'opsbot-scale-'));
  kubeconfig = join(dir, 'kubeconfig');
  await sandbox.sim.kube.writeKubeconfig(kubeconfig);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  kc.setCurrentContext('us-east-2');
  core = kc.makeApiClient(CoreV1Api);
  expect(await control(sandbox, 'kube/seed', { nodes: NODES, pods: PODS })).toEqual({
    cluster: 'us-east-2',
    nodes: NODES,
    pods: PODS,
  });
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a cluster seeded at scale (kube/seed): pods generated as they are read', () => {
  it('pages every pod once, in key order, with remainingItemCount and continue tokens like the API server', async () => {
    const seen: string[] = [];
    let cont: string | undefined;
    let first: number | undefined;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 500, ...(cont ? { _continue: cont } : {}) });
      seen.push(...page.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
      cont = page.metadata?._continue;
      first ??= page.metadata?.remainingItemCount;
      if (cont) expect(page.items).toHaveLength(500);
    } while (cont);
    const seeded = seen.filter((k) => k.startsWith('team-'));
    expect(seeded).toHaveLength(PODS);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
    expect(first).toBe(seen.length - 500);
  });

  it('serves a generated pod like a stored one: get, namespace lists, label and field selectors', async () => {
    const ns = await core.listNamespacedPod({ namespace: 'team-007' });
    expect(ns.items).toHaveLength(PODS / 100);
    const pod = ns.items[0]!;
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.containerStatuses?.[0]?.imageID).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(pod.spec?.containers[0]?.resources?.requests).toEqual({ cpu: '250m', memory: '1Gi' });
    const again = await core.readNamespacedPod({ namespace: 'team-007', name: pod.metadata!.name! });
    expect(again.metadata?.uid).toBe(pod.metadata?.uid);
    const app = pod.metadata!.labels!.app!;
    const byLabel = await core.listNamespacedPod({ namespace: 'team-007', labelSelector: `app=${app}` });
    expect(byLabel.items.length).toBeGreaterThan(0);
    expect(byLabel.items.every((p) => p.metadata?.labels?.app === app)).toBe(true);
    const onNode = await core.listPodForAllNamespaces({
      fieldSelector: `spec.nodeName=${pod.spec!.nodeName}`,
    });
    expect(onNode.items).toHaveLength(PODS / NODES);
    const failed = await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Failed' });
    expect(failed.items).toHaveLength(0);
  });

  it('answers kubectl with every pod and node', async () => {
    const run = promisify(execFile);
    const kubectl = (...args: string[]) =>
      run('kubectl', ['--kubeconfig', kubeconfig, '--context', 'us-east-2', ...args], {
        maxBuffer: 64 * 1024 * 1024,
      });
    const pods = await kubectl('get', 'pods', '-A', '--chunk-size=500', '-o', 'name');
    expect(pods.stdout.split('\n').filter((l) => l.startsWith('pod/worker-')).length).toBe(PODS);
    const nodes = await kubectl('get', 'nodes', '-l', 'karpenter.sh/nodepool=batch', '-o', 'name');
    expect(nodes.stdout.trim().split('\n')).toHaveLength(NODES);
  });

  it('/diagnose all reads it whole and stays green (no false alarm from scale), and reset keeps the seed', async () => {
    await control(sandbox, 'reset');
    const d = await diagnose(sandbox, '/diagnose all');
    expect(d.text).not.toMatch(/❌|⚠️|❔/);
    expect(sectionOf(d, 'Node ephemeral storage') || d.text).toContain(`us-east-2: ${NODES + 4} nodes`);
    expect(d.text).toMatch(/pool `batch` has \d+ % headroom|✅ \*Capacity headroom\*/);
    await control(sandbox, 'kube/seed', { nodes: 0, pods: 0 });
    const after = await core.listNamespacedPod({ namespace: 'team-007' });
    expect(after.items).toHaveLength(0);
  });
});
