import { describe, expect, it } from 'vitest';
import type { Check, CheckResult } from '../../src/checks/check.js';
import { worstOf } from '../../src/checks/check.js';
import { type CheckDeps, createCheckContext } from '../../src/checks/check-context.js';
import { evictedPodsCheck } from '../../src/checks/evicted-pods-check.js';
import { perCluster } from '../../src/checks/per-part.js';
import { checksFor, runChecks } from '../../src/checks/run-checks.js';
import { TransientError } from '../../src/errors/transient-error.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { scopedSignal } from '../../src/ports/call-options.js';
import type { ClusterClient, PodDetail } from '../../src/ports/clusters.js';

const env = (await loadInventory('infra')).get('ai.coder.com')!;
const NOW = Date.parse('2026-12-01T12:00:00Z');

/** Clusters whose hung reads were cancelled. */
const cancelled: string[] = [];

/** Our own ClusterClient port, answering from fixed data (the adapter is tested against the sandbox). */
function fakeClusters(failed: Record<string, PodDetail[] | 'hang'>): CheckDeps['clusters'] {
  return {
    client: (id: string) =>
      ({
        clusterId: id,
        foldPods: <T>(
          _q: unknown,
          init: () => T,
          step: (acc: T, page: PodDetail[]) => T,
          opts?: { signal?: AbortSignal },
        ) => {
          const pods = failed[id] ?? [];
          if (pods === 'hang')
            // As the adapter does: a hung read ends only when its signal is aborted.
            return new Promise<T>((_, reject) => {
              const stop = () => {
                cancelled.push(id);
                reject(opts?.signal?.reason);
              };
              if (opts?.signal?.aborted) stop();
              else opts?.signal?.addEventListener('abort', stop);
            });
          return Promise.resolve(step(init(), pods));
        },
      }) as unknown as ClusterClient,
  };
}

const deps = (failed: Record<string, PodDetail[] | 'hang'> = {}): CheckDeps => ({
  clusters: fakeClusters(failed),
  probes: {} as CheckDeps['probes'],
  dns: {} as CheckDeps['dns'],
  resolver: {} as CheckDeps['resolver'],
});

const check = (id: string, run: Check['run'], situations: Check['situations'] = ['restarts']): Check => ({
  id,
  title: id,
  situations,
  run,
});
const ok = (summary: string): CheckResult[] => [{ status: 'ok', subject: 's', summary, evidence: [] }];

describe('the check engine', () => {
  it('turns a check past its deadline into unknown while the others answer', async () => {
    const ctx = createCheckContext(env, deps(), NOW);
    const order: string[] = [];
    const reports = await runChecks(
      [check('hangs', () => new Promise(() => {})), check('quick', async () => ok('fine'))],
      ctx,
      { deadlineMs: 150, onReport: (r) => order.push(r.id) },
    );
    expect(order).toEqual(['quick', 'hangs']);
    expect(reports.map((r) => [r.id, r.status])).toEqual([
      ['hangs', 'unknown'],
      ['quick', 'ok'],
    ]);
    expect(reports[0]?.results[0]?.summary).toBe('no answer within 0.2 s');
  });

  it('reports a failing check as unknown in a few words, and gives the error to the logs', async () => {
    const logged: string[] = [];
    const reports = await runChecks(
      [
        check('down', async () => {
          throw new TransientError('connect ECONNREFUSED 10.1.2.3:443', { kind: 'unreachable' });
        }),
        check('bug', async () => {
          throw new Error('secret internal detail');
        }),
        check('empty', async () => []),
      ],
      createCheckContext(env, deps(), NOW),
      { onError: (id) => logged.push(id) },
    );
    expect(reports.map((r) => r.results[0]?.summary)).toEqual([
      'unreachable (no connection)',
      'failed (details in the logs)',
      'nothing to check',
    ]);
    expect(reports.map((r) => r.status)).toEqual(['unknown', 'unknown', 'ok']);
    expect(logged).toEqual(['down', 'bug']);
  });

  it('gives each cluster of a check its own deadline: a hung cluster is unknown, the others answer', async () => {
    const ctx = createCheckContext(env, deps({ 'us-west-2': 'hang' }), NOW, { partDeadlineMs: 100 });
    const [report] = await runChecks([evictedPodsCheck], ctx, { deadlineMs: 2_000 });
    expect(report?.status).toBe('unknown');
    expect(report?.results.map((r) => `${r.status} ${r.summary}`)).toEqual([
      'ok us-east-2: no evicted pods',
      'unknown `us-west-2`: unreachable (no answer within 0.1 s)',
      'ok eu-west-2: no evicted pods',
    ]);
  });

  it('cancels a read that outlived its deadline once the run is over, and every read when the job is aborted', async () => {
    cancelled.length = 0;
    const run = scopedSignal();
    const ctx = createCheckContext(
      env,
      deps({ 'us-west-2': 'hang' }),
      NOW,
      { partDeadlineMs: 100 },
      run.signal,
    );
    const [report] = await runChecks([evictedPodsCheck], ctx, { deadlineMs: 2_000 }).finally(run.finish);
    expect(report?.status).toBe('unknown');
    expect(cancelled).toEqual(['us-west-2']);

    // The job loses its lock while a read hangs: the read stops with it.
    const job = new AbortController();
    const second = scopedSignal(job.signal);
    const hung = createCheckContext(env, deps({ 'eu-west-2': 'hang' }), NOW, {}, second.signal);
    const running = runChecks([evictedPodsCheck], hung, { deadlineMs: 60_000 }).finally(second.finish);
    job.abort('lost the job lock');
    const [aborted] = await running;
    expect(cancelled).toEqual(['us-west-2', 'eu-west-2']);
    expect(aborted?.results.find((r) => r.subject === 'eu-west-2')?.status).toBe('unknown');
  });

  it('perCluster names the cluster whose part threw', async () => {
    const ctx = createCheckContext(env, deps(), NOW);
    const results = await perCluster(ctx, async (id) => {
      if (id === 'eu-west-2') throw new TransientError('503', { kind: 'server-error', status: 503 });
      return ok(`${id} fine`);
    });
    expect(results.map((r) => r.summary)).toEqual([
      'us-east-2 fine',
      'us-west-2 fine',
      '`eu-west-2`: API error 503 — temporary, try again shortly',
    ]);
  });

  it('selects checks by runbook situation, and ranks fail > warn > unknown > ok', () => {
    const all = [check('a', async () => [], ['restarts', 'capacity']), check('b', async () => [], ['dns'])];
    expect(checksFor(all, 'capacity').map((c) => c.id)).toEqual(['a']);
    expect(checksFor(all, 'all').map((c) => c.id)).toEqual(['a', 'b']);
    expect(worstOf(['ok', 'unknown', 'warn'])).toBe('warn');
    expect(worstOf(['unknown', 'ok'])).toBe('unknown');
    expect(worstOf(['warn', 'fail', 'unknown'])).toBe('fail');
    expect(worstOf([])).toBe('ok');
  });

  it('shows what pods and the kubelet say as escaped text, never as markup', async () => {
    const hostile: PodDetail = {
      namespace: 'coder-workspaces',
      name: 'ws`<!channel>',
      phase: 'Failed',
      reason: 'Evicted',
      message:
        'The node was low on resource: ephemeral-storage. <!here> *urgent* <https://evil.example|click>',
      nodeName: 'node-1',
      endedAt: NOW - 60_000,
      labels: {},
      containers: [],
      requests: { cpu: 0, memory: 0 },
    };
    const [report] = await runChecks(
      [evictedPodsCheck],
      createCheckContext(env, deps({ 'us-east-2': [hostile] }), NOW),
    );
    const text = JSON.stringify(report?.results);
    expect(report?.status).toBe('fail');
    expect(text).toContain('1 pod evicted in the last 24 h (low on `ephemeral-storage`)');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://');
    expect(text).toContain('&lt;!here&gt;');
    expect(text).toContain('1 min ago');
  });
});
