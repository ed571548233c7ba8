import { describe, expect, it } from 'vitest';
import { applyJsonPatch, decodeJsonPatch } from '../../../src/sandbox/kube/json-patch.js';
import { mergePatch, strategicMerge } from '../../../src/sandbox/kube/merge-patch.js';
import {
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  selectorString,
} from '../../../src/sandbox/kube/selectors.js';
import { KubeError } from '../../../src/sandbox/kube/status-errors.js';

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof KubeError) return err.status.code;
    throw err;
  }
  return undefined;
}

describe('label and field selectors', () => {
  const labels = { app: 'coder-provisioner', tier: 'backend', replicas: '3' };
  const match = (sel: string) => matchesLabels(parseLabelSelector(sel), labels);

  it('evaluates every operator the API server accepts', () => {
    expect(match('app=coder-provisioner')).toBe(true);
    expect(match('app==coder-provisioner,tier=backend')).toBe(true);
    expect(match('app!=coder-provisioner')).toBe(false);
    expect(match('missing!=x')).toBe(true);
    expect(match('tier in (frontend, backend)')).toBe(true);
    expect(match('tier notin (backend)')).toBe(false);
    expect(match('app,!missing')).toBe(true);
    expect(match('replicas>2,replicas<4')).toBe(true);
    expect(match('')).toBe(true);
  });

  it('rejects malformed selectors with 400', () => {
    expect(codeOf(() => parseLabelSelector('app in (a'))).toBe(400);
    expect(codeOf(() => parseLabelSelector('-bad-=x'))).toBe(400);
    expect(codeOf(() => parseFieldSelector('spec.image=x', new Set(['metadata.name'])))).toBe(400);
  });

  it('prints selectors the way Scale.status.selector carries them', () => {
    expect(selectorString({ matchLabels: { 'app.kubernetes.io/instance': 'coder', app: 'x' } })).toBe(
      'app=x,app.kubernetes.io/instance=coder',
    );
  });
});

describe('patches', () => {
  const doc = {
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            { name: 'coder', image: 'a:1', env: [{ name: 'A', value: '1' }] },
            { name: 'sidecar', image: 's:1' },
          ],
        },
      },
    },
  };

  it('merge patch replaces lists and deletes with null', () => {
    const out = mergePatch(doc, {
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'coder', image: 'a:2' }] } } },
    }) as typeof doc;
    expect(out.spec.replicas).toBe(3);
    expect(out.spec.template.spec.containers).toEqual([{ name: 'coder', image: 'a:2' }]);
    expect(mergePatch({ a: 1, b: 2 }, { a: null })).toEqual({ b: 2 });
  });

  it('strategic merge patch merges containers by name and honours $patch: delete', () => {
    const out = strategicMerge(doc, {
      spec: {
        template: {
          spec: {
            $setElementOrder: [],
            containers: [{ name: 'coder', image: 'a:2', env: [{ name: 'B', value: '2' }] }],
          },
        },
      },
    }) as typeof doc;
    expect(out.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ['coder', 'a:2'],
      ['sidecar', 's:1'],
    ]);
    expect(out.spec.template.spec.containers[0]?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    const removed = strategicMerge(doc, {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    }) as typeof doc;
    expect(removed.spec.template.spec.containers.map((c) => c.name)).toEqual(['coder']);
  });

  it('JSON patch applies RFC 6902 operations and fails like the API server', () => {
    const ops = decodeJsonPatch([
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'x', image: 'x:1' } },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
    ]);
    const out = applyJsonPatch(doc, ops);
    expect(out.spec.replicas).toBe(5);
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['coder', 'x']);
    expect(doc.spec.replicas).toBe(2);
    expect(codeOf(() => decodeJsonPatch({ spec: { replicas: 1 } }))).toBe(400);
    expect(
      codeOf(() => applyJsonPatch(doc, decodeJsonPatch([{ op: 'replace', path: '/spec/nope', value: 1 }]))),
    ).toBe(422);
    expect(
      codeOf(() => applyJsonPatch(doc, decodeJsonPatch([{ op: 'test', path: '/spec/replicas', value: 9 }]))),
    ).toBe(422);
  });
});
