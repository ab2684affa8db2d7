import { describe, expect, it } from 'vitest';
import { applyPatch, patchTypeOf } from '../../../lab/kube/patch.js';

describe('patches', () => {
  const node = { metadata: { name: 'n1', labels: { a: '1', b: '2' }, finalizers: ['x'] }, spec: { taints: [{ key: 't', effect: 'NoSchedule' }] } };

  it('maps content types', () => {
    expect(patchTypeOf('application/merge-patch+json')).toBe('merge');
    expect(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8')).toBe('strategic');
    expect(patchTypeOf('application/json-patch+json')).toBe('json');
    expect(patchTypeOf('application/apply-patch+yaml')).toBeUndefined();
  });

  it('applies a JSON merge patch (null deletes, lists replace)', () => {
    const out = applyPatch(node, { metadata: { labels: { a: null, c: '3' } }, spec: { unschedulable: true, taints: [] } }, 'merge');
    expect(out.metadata.labels).toEqual({ b: '2', c: '3' });
    expect(out.spec).toEqual({ unschedulable: true, taints: [] });
    expect(node.metadata.labels.a).toBe('1');
  });

  it('applies a strategic merge patch: merge keys, directives, set lists', () => {
    const dep = { spec: { template: { metadata: {}, spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1' }] } } }, metadata: { name: 'd', finalizers: ['f1'] } };
    const out = applyPatch(dep, {
      metadata: { finalizers: ['f2'] },
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } }, spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b', image: 'y:2' }, { name: 'c', image: 'z' }] } } },
    }, 'strategic');
    expect(out.spec.template.metadata).toEqual({ annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:2' }, { name: 'c', image: 'z' }]);
    expect(out.metadata.finalizers).toEqual(['f1', 'f2']);
    const del = applyPatch(dep, { spec: { template: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } } } }, 'strategic');
    expect(del.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['b']);
    const cordon = applyPatch(node, { spec: { unschedulable: true } }, 'strategic');
    expect(cordon.spec).toEqual({ taints: [{ key: 't', effect: 'NoSchedule' }], unschedulable: true });
  });

  it('applies a JSON patch and fails a test op with 422', () => {
    const out = applyPatch(node, [
      { op: 'add', path: '/metadata/labels/c', value: '3' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'replace', path: '/spec/taints/0/effect', value: 'NoExecute' },
      { op: 'add', path: '/spec/taints/-', value: { key: 'u', effect: 'NoSchedule' } },
      { op: 'copy', from: '/metadata/name', path: '/metadata/labels/name' },
      { op: 'move', from: '/metadata/labels/b', path: '/metadata/labels/bb' },
      { op: 'test', path: '/metadata/name', value: 'n1' },
    ], 'json');
    expect(out.metadata.labels).toEqual({ c: '3', name: 'n1', bb: '2' });
    expect(out.spec.taints).toEqual([{ key: 't', effect: 'NoExecute' }, { key: 'u', effect: 'NoSchedule' }]);
    expect(() => applyPatch(node, [{ op: 'test', path: '/metadata/name', value: 'n2' }], 'json')).toThrow(/test operation failed/);
    expect(() => applyPatch(node, [{ op: 'replace', path: '/nope/x', value: 1 }], 'json')).toThrow(/path not found/);
  });
});
